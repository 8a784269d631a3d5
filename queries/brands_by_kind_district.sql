-- Quality brands recognised in the years, per kind and the enterprise's district.
-- Grain: one row per brand_kind x district. Params: $year_from, $year_to, $districts, $sectors.
with selected as (
    select b.kind as brand_kind, e.district_code, e.district_zh, e.district_en
    from brands as b
    join selected_enterprises($districts, $sectors) as e using (enterprise_id)
    where b.year between $year_from and $year_to
),

final as (
    select
        brand_kind,
        district_code,
        any_value(district_zh) as name_zh,
        any_value(district_en) as name_en,
        count(*) as brands
    from selected
    group by brand_kind, district_code
)

select * from final
order by district_code, brand_kind
