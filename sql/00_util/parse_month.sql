-- A month argument 'YYYY-MM' -> the half-open UTC interval [month_start, month_end).
-- Built with make_timestamptz(..., 'UTC'), never with timestamptz + interval, so the
-- result does not depend on the session's TimeZone.
create or replace function bqx_internal.parse_month(
  p_month text,
  out month_start timestamptz,
  out month_end   timestamptz
)
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_year  integer;
  v_month integer;
begin
  if p_month is null then
    perform bqx_internal.raise_error('22004', 'month must not be NULL',
      null, 'Pass a month as ''YYYY-MM'', for example ''2024-07''.');
  end if;
  if p_month !~ '^[0-9]{4}-[0-9]{2}$' then
    perform bqx_internal.raise_error('22007', pg_catalog.format('invalid month %L', p_month),
      'A month is written YYYY-MM: a four-digit year, a dash, a two-digit month.',
      'For example ''2024-07''.');
  end if;
  v_year  := pg_catalog.substr(p_month, 1, 4)::integer;
  v_month := pg_catalog.substr(p_month, 6, 2)::integer;
  if v_month < 1 or v_month > 12 or v_year < 1 then
    perform bqx_internal.raise_error('22008', pg_catalog.format('month out of range: %L', p_month),
      'The month part of YYYY-MM must be 01 to 12 and the year at least 0001.',
      'For example ''2024-07''.');
  end if;
  month_start := pg_catalog.make_timestamptz(v_year, v_month, 1, 0, 0, 0, 'UTC');
  month_end   := case when v_month = 12
                      then pg_catalog.make_timestamptz(v_year + 1, 1, 1, 0, 0, 0, 'UTC')
                      else pg_catalog.make_timestamptz(v_year, v_month + 1, 1, 0, 0, 0, 'UTC') end;
end;
$$;

comment on function bqx_internal.parse_month(text) is
  'internal: validate a YYYY-MM month and return its UTC bounds [month_start, month_end); errors 22004 (NULL), 22007 (format), 22008 (range).';
