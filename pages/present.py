"""Present: a storyline one chart at a time, full width, large type, no sidebar; next/previous by button or arrow
key, optional auto-advance for a lobby screen; the deck, the report and the period's Word bulletin to take away;
the storyline editor."""

import time
from dataclasses import replace
from functools import partial
from urllib.parse import urlencode

import streamlit as st

from qcity import i18n
from qcity.documents import bulletin, charts, deck, images, story
from qcity.web import admin, auth, builds, cache, controls, editions, guide, ui

f = controls.current()
T = i18n.translator(f.lang)
database = cache.current()
city = database.city()
options = controls.load_options()[0]

st.html("""<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"] { display: none !important; }
.block-container { padding-top: 1rem !important; max-width: 100% !important; }
h1 { font-size: 2.6rem !important; } .st-key-present_takeaway p { font-size: 1.55rem !important; line-height: 1.45; }
.st-key-present_position p { text-align: center; font-size: 1.3rem; }
</style>""")

saved = story.names(database.path)
name = controls.page_param("storyline") or story.DEFAULT
if name not in saved:
    st.warning(T("present.unknown_storyline", name=name[:40], saved=", ".join(saved)))
    name = story.DEFAULT
try:
    storyline = story.load(database.path, name, options)
except story.StorylineError as error:
    st.error(T("present.bad_storyline", error=str(error)))
    storyline = story.default(options)
views = storyline.views

if st.session_state.get("present_storyline") != name:  # a new storyline (or a fresh session) starts at its URL slide
    asked = controls.page_param("slide")
    st.session_state.update(
        present_storyline=name, present_slide=int(asked) - 1 if asked.isdigit() else 0, present_shown_at=time.time()
    )
st.session_state.present_slide = min(max(st.session_state.present_slide, 0), len(views) - 1)
asked_auto = controls.page_param("auto")
auto = int(asked_auto) if asked_auto.isdigit() and 5 <= int(asked_auto) <= 3600 else 0


def move(step: int) -> None:
    st.session_state.present_slide = (st.session_state.present_slide + step) % len(views)
    st.session_state.present_shown_at = time.time()


def set_auto(seconds: int) -> None:
    """Auto-advance every `seconds` (5 or more), or off with 0; kept in the URL for a lobby screen's link."""
    if seconds >= 5:
        controls.keep_in_url("auto", str(seconds))
    elif seconds == 0:
        st.query_params.pop("auto", None)


@st.fragment(run_every=auto or None)
def slide() -> None:
    """The current view; with auto-advance on, this part alone reruns and moves on every `auto` seconds."""
    if auto and time.time() - st.session_state.present_shown_at >= auto - 0.5:
        move(1)
    number = st.session_state.present_slide
    controls.keep_in_url("slide", str(number + 1))
    ctx = story.Context(cache.run, city, database.path)
    shown = story.render(views[number], ctx, f.lang)
    # the way on above the slide: in view on any screen, however long the takeaway (below a 540 px chart it fell
    # off a 1600 x 900 screen)
    back, where, forward = st.columns([1, 2, 1], vertical_alignment="center")
    back.button(
        T("present.previous"),
        on_click=move,
        args=(-1,),
        shortcut="Left",
        key="present_previous",
        icon=":material/arrow_back:",
        width="stretch",
    )
    where.container(key="present_position").markdown(f"{number + 1} / {len(views)}")
    forward.button(
        T("present.next"),
        on_click=move,
        args=(1,),
        shortcut="Right",
        key="present_next",
        icon=":material/arrow_forward:",
        width="stretch",
    )
    st.title(shown.title, anchor=False)
    st.container(key="present_takeaway").markdown(shown.takeaway)  # a storyline's own words: no HTML
    if shown.figure is None:
        st.info(T("deck.no_chart"))
    else:
        big = charts.for_export(shown.figure, deck.TYPE_SCALE)
        big.update_layout(height=500)
        ui.chart(big, f"present_chart_{number}")
    st.caption(shown.scope)


slide()

with st.expander(T("present.controls")):
    st.caption(guide.page("present", f.lang))
    left, middle, right = st.columns(3)
    left.selectbox(
        T("present.storyline"),
        saved,
        index=saved.index(name),
        key=f"present_choice_{name}",
        on_change=lambda: controls.keep_in_url("storyline", st.session_state[f"present_choice_{name}"]),
    )
    middle.number_input(
        T("present.auto"),
        0,
        3600,
        auto,
        step=5,
        key=f"present_auto_{auto}",
        on_change=lambda: set_auto(st.session_state[f"present_auto_{auto}"]),
    )
    other = "en" if f.lang == "zh" else "zh"
    if right.button(i18n.LANGUAGE_NAMES[other], key="present_lang"):
        st.session_state["selection"] = replace(st.session_state["selection"], lang=other)
        st.rerun()
    current = views[st.session_state.present_slide]
    link = {k: ",".join(map(str, v)) if isinstance(v, list) else v for k, v in current.filters.items()}
    st.markdown(T("present.open_in_app", link=f"{current.page}?{urlencode({**link, 'lang': f.lang})}"))
    st.code(
        f"python -m qcity.export deck --current-view '{story.view_query(current)}' --lang {f.lang} --out view.pptx",
        language="bash",
    )

st.subheader(T("present.take_away"))
if images.chromium() is None:
    st.info(T("present.no_chromium"))
else:
    export_ctx = story.Context(database.query, city, database.path)  # runs in the download's thread: no cache
    stem = f"{name}-{f.lang}"
    left, middle, right = st.columns(3)
    built = partial(builds.build_started, f.lang)  # each file is built on its click, saying what it is drawing
    edition_url = editions.published_url(storyline.name, database.path, f, options)  # for a QR code on each
    left.download_button(
        T("present.deck"),
        builds.tracked(partial(deck.build, "deck", storyline, export_ctx, f.lang, edition_url=edition_url)),
        f"{stem}.pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        key="present_deck",
        icon=":material/slideshow:",
        on_click=built,
        width="stretch",
    )
    right.download_button(
        T("present.report"),
        builds.tracked(partial(deck.build, "report", storyline, export_ctx, f.lang, edition_url=edition_url)),
        f"{stem}.pdf",
        "application/pdf",
        key="present_report",
        icon=":material/picture_as_pdf:",
        on_click=built,
        width="stretch",
    )
    period = f"{f.year_to}-{f.month_from:02d}-{f.month_to:02d}" if f.partial else str(f.year_to)
    middle.download_button(
        T("bulletin.button"),
        builds.tracked(partial(bulletin.build, f, database.query, city, options.as_of, edition_url=edition_url)),
        f"bulletin-{period}-{f.lang}.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        key="present_bulletin",
        icon=":material/description:",
        on_click=built,
        width="stretch",
    )
    builds.build_progress(f.lang)
    st.caption(
        i18n.tn("present.export_note", len(views), f.lang, n=len(views))
        + " "
        + T("present.bulletin_note", period=f.at().label(f.lang))
    )

with st.expander(T("edition.title")):
    editions.panel(storyline, story.Context(database.query, city, database.path), f, options)

with st.expander(T("present.edit")):
    if auth.current() is None:
        admin.sign_in_form(f.lang, database.path)
    elif not auth.may("storyline"):
        st.caption(T("data.read_only"))
    else:
        st.caption(T("present.edit_help"))
        new_name = st.text_input(T("present.name"), name, key="present_edit_name", max_chars=40)
        text = st.text_area(T("present.json"), storyline.text(), height=360, key=f"present_edit_{name}")
        if st.button(T("present.save"), type="primary", key="present_save"):
            try:
                story.save(database.path, new_name.strip(), text, options, auth.require(database.path, "storyline"))
            except (story.StorylineError, PermissionError) as error:
                st.error(T("present.not_saved", error=str(error)))
            else:
                controls.keep_in_url("storyline", new_name.strip())
                st.session_state.pop("present_storyline", None)
                st.rerun()
