-- Raise an error with a real SQLSTATE, DETAIL and HINT. PL/pgSQL's RAISE cannot take a
-- NULL option, and PLV8 code has no RAISE at all: both call this helper.
create or replace function bqx_internal.raise_error(
  p_sqlstate text,
  p_message  text,
  p_detail   text default null,
  p_hint     text default null
) returns void
language plpgsql
volatile
set search_path = ''
as $$
begin
  if p_detail is not null and p_hint is not null then
    raise exception using errcode = p_sqlstate, message = p_message, detail = p_detail, hint = p_hint;
  elsif p_detail is not null then
    raise exception using errcode = p_sqlstate, message = p_message, detail = p_detail;
  elsif p_hint is not null then
    raise exception using errcode = p_sqlstate, message = p_message, hint = p_hint;
  else
    raise exception using errcode = p_sqlstate, message = p_message;
  end if;
end;
$$;

comment on function bqx_internal.raise_error(text, text, text, text) is
  'internal: raise an error with SQLSTATE p_sqlstate, MESSAGE, optional DETAIL and HINT (used by PL/pgSQL and PLV8 code).';
