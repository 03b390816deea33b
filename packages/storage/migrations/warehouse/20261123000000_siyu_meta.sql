-- Facts about this warehouse itself: which Siyu created it and when.
create table if not exists siyu_meta (
  key varchar primary key,
  value varchar not null,
  updated_at timestamptz not null default now()
);
insert into siyu_meta (key, value) values ('created_by', 'siyu') on conflict do nothing;
