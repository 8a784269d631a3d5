-- Shared macros, created once per connection.
-- pass_rate_pct: passed / samples in percent. wilson_*_pct: bounds of the 95% Wilson score interval, in
-- percent; the interval stays inside 0-100 and widens honestly when samples are few.
create or replace macro pass_rate_pct(passed, samples) as
    case when samples > 0 then 100.0 * passed / samples end;

create or replace macro wilson_center(passed, samples) as
    (passed / samples + pow(1.959964, 2) / (2 * samples)) / (1 + pow(1.959964, 2) / samples);

create or replace macro wilson_half(passed, samples) as
    1.959964 * sqrt(passed / samples * (1 - passed / samples) / samples + pow(1.959964, 2) / (4 * pow(samples, 2)))
    / (1 + pow(1.959964, 2) / samples);

create or replace macro wilson_low_pct(passed, samples) as
    case when samples > 0 then 100.0 * (wilson_center(passed, samples) - wilson_half(passed, samples)) end;

create or replace macro wilson_high_pct(passed, samples) as
    case when samples > 0 then 100.0 * (wilson_center(passed, samples) + wilson_half(passed, samples)) end;

-- observed_value: an indicator's value from summed observations. A ratio (numerator / denominator x scale) when
-- the observations have denominators; a plain sum (numerator x scale) for counts and totals, whose denominator
-- is null. Null when a ratio has nothing in its denominator.
create or replace macro observed_value(numerator_sum, denominator_sum, denominator_count, scale) as
    case
        when denominator_count = 0 then numerator_sum * scale
        when denominator_sum > 0 then numerator_sum / denominator_sum * scale
    end;
