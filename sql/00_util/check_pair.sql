-- A pair argument -> the registered pair, upper-cased. Lower case is accepted
-- ('eurusd' means 'EURUSD'); anything else not in bqx.pairs is an error.
create or replace function bqx_internal.check_pair(p_pair text)
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  v_pair text := pg_catalog.upper(p_pair);
begin
  if p_pair is null then
    perform bqx_internal.raise_error('22004', 'pair must not be NULL',
      null, 'Pass a registered pair such as ''EURUSD'' (see bqx.pairs).');
  end if;
  if v_pair !~ '^[A-Z]{6}$' then
    perform bqx_internal.raise_error('22023', pg_catalog.format('invalid pair %L', p_pair),
      'A pair is six letters, base currency then quote currency, for example EURUSD.',
      'Registered pairs are listed in bqx.pairs.');
  end if;
  if not exists (select from bqx.pairs p where p.pair = v_pair) then
    perform bqx_internal.raise_error('22023', pg_catalog.format('unknown pair %L', p_pair),
      'The pair is not in the registry bqx.pairs.',
      pg_catalog.format('Register it first: INSERT INTO bqx.pairs (pair) VALUES (%L);', v_pair));
  end if;
  return v_pair;
end;
$$;

comment on function bqx_internal.check_pair(text) is
  'internal: validate a pair argument (NULL -> 22004, bad format or unregistered -> 22023) and return it upper-cased.';
