-- bqx core schema: the public schema `bqx`, the internal schema `bqx_internal`,
-- the pair registry, settings, the source table bqx.m1 and the partitioned output
-- table bqx.bqx (40 columns, spec section 2).
--
-- Rule: migrations hold TABLES and DATA only, numbered and forward-only; never edit
-- a migration that has shipped. Functions, procedures, views and triggers live in
-- sql/**.sql and are re-created from those files on every `bqx migrate`
-- (scripts/lib/routines.ts), so tables must never depend on a routine.

-- Up Migration
create schema bqx;
comment on schema bqx is
  'bqx public API: BQX features for one-minute FX bars (tables m1, bqx, pairs, settings; procedures and views).';

create schema bqx_internal;
comment on schema bqx_internal is
  'bqx internals: NOT a public API, may change in any release. Use the objects in schema bqx.';

create table bqx.pairs (
  pair       text primary key
             constraint pairs_pair_format check (pair ~ '^[A-Z]{6}$'),
  live       boolean not null default true,
  created_at timestamptz not null default now()
);
comment on table bqx.pairs is
  'Registry of currency pairs bqx computes. live = compute BQX rows for new bars of this pair as they are inserted into bqx.m1.';
comment on column bqx.pairs.live is
  'Live mode for this pair: when true, bars inserted into bqx.m1 get their BQX rows in the same transaction.';

insert into bqx.pairs (pair)
select unnest(array[
  'AUDCAD','AUDCHF','AUDJPY','AUDNZD','AUDUSD','CADCHF','CADJPY','CHFJPY',
  'EURAUD','EURCAD','EURCHF','EURGBP','EURJPY','EURNZD','EURUSD',
  'GBPAUD','GBPCAD','GBPCHF','GBPJPY','GBPNZD','GBPUSD',
  'NZDCAD','NZDCHF','NZDJPY','NZDUSD','USDCAD','USDCHF','USDJPY']);

create table bqx.settings (
  key         text primary key,
  value       text not null,
  description text not null
);
comment on table bqx.settings is 'bqx settings, one row per key; change them with UPDATE (see README, Configuration).';

insert into bqx.settings (key, value, description) values
  ('engine', 'auto',
   'Engine used by bqx.backfill: auto (plv8 when installed, else sql), sql, or plv8.'),
  ('source', 'bqx.m1',
   'Relation the engines read bars from: any table or view with columns (pair text, ts_utc timestamptz, rate double precision).');

create table bqx.m1 (
  pair   text not null constraint m1_pair_format check (pair ~ '^[A-Z]{6}$'),
  ts_utc timestamptz not null,
  rate   double precision,
  primary key (pair, ts_utc)
);
comment on table bqx.m1 is
  'One-minute bars: pair, bar time (UTC instant), rate (close or mid). Bad rates (NULL, NaN, Infinity, <= 0) are kept but ignored by every computation.';

create table bqx.bqx (
  pair   text not null,
  ts_utc timestamptz not null,
  rate   double precision not null,
  w15_bqx_return double precision, w15_bqx_max double precision, w15_bqx_min double precision,
  w15_bqx_avg double precision, w15_bqx_stdev double precision, w15_bqx_endpoint double precision,
  w30_bqx_return double precision, w30_bqx_max double precision, w30_bqx_min double precision,
  w30_bqx_avg double precision, w30_bqx_stdev double precision, w30_bqx_endpoint double precision,
  w45_bqx_return double precision, w45_bqx_max double precision, w45_bqx_min double precision,
  w45_bqx_avg double precision, w45_bqx_stdev double precision, w45_bqx_endpoint double precision,
  w60_bqx_return double precision, w60_bqx_max double precision, w60_bqx_min double precision,
  w60_bqx_avg double precision, w60_bqx_stdev double precision, w60_bqx_endpoint double precision,
  w75_bqx_return double precision, w75_bqx_max double precision, w75_bqx_min double precision,
  w75_bqx_avg double precision, w75_bqx_stdev double precision, w75_bqx_endpoint double precision,
  agg_avg_mean double precision,
  agg_avg_stdev double precision,
  agg_avg_slope double precision,
  agg_range double precision,
  agg_endpoint_mean double precision,
  agg_stdev_mean double precision,
  agg_sign_balance integer,
  primary key (pair, ts_utc)
) partition by list (pair);
comment on table bqx.bqx is
  'BQX features, 40 columns (BQX-SPEC section 2). Partitioned by pair (bqx.bqx_<pair>) and month (bqx.bqx_<pair>_<yyyy>_<mm>); leaves are created by bqx.backfill.';

-- Down Migration
drop schema if exists bqx cascade;
drop schema if exists bqx_internal cascade;
