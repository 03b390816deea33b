-- What segments test besides traits and events: tags, computed scores, CLV predictions and
-- consents, one row per live profile. Tags and consents are copied from PostgreSQL (their
-- system of record) by the profile snapshot; scores and CLV are computed here from events and
-- copied to PostgreSQL for the customer page. Each table is replaced per workspace in one
-- transaction by the module that owns it.

-- Owned by packages/core/src/tags: which tags each profile holds now.
create table profile_tags (
  workspace_id uuid not null,
  profile_id uuid not null,
  tag_id uuid not null
);

-- Owned by packages/core/src/scores: RFM (1–5 scores, cell, layer), lifecycle stage, value tier.
create table profile_scores (
  workspace_id uuid not null,
  profile_id uuid not null,
  rfm_r tinyint,                     -- null when the profile has no order in the RFM window
  rfm_f tinyint,
  rfm_m tinyint,
  rfm_cell varchar,                  -- RFM_CELLS in @siyu/contracts
  rfm_layer varchar,                 -- RFM_LAYERS
  lifecycle_stage varchar,           -- LIFECYCLE_STAGES
  value_tier varchar,                -- VALUE_TIERS
  computed_at timestamptz not null
);

-- Owned by packages/core/src/clv: BG/NBD + Gamma-Gamma predictions (money in major units).
create table profile_clv (
  workspace_id uuid not null,
  profile_id uuid not null,
  p_alive double not null,
  expected_purchases_90d double not null,
  expected_purchases_180d double not null,
  expected_purchases_365d double not null,
  expected_order_value double,       -- null for customers the Gamma-Gamma model cannot value
  expected_value_90d double,
  expected_value_180d double,
  expected_value_365d double,
  next_purchase_from timestamptz,    -- the expected next-purchase window, when there is one
  next_purchase_to timestamptz,
  computed_at timestamptz not null
);

-- Owned by packages/core/src/consents: the latest decision per channel and purpose.
create table profile_consents (
  workspace_id uuid not null,
  profile_id uuid not null,
  channel varchar not null,
  purpose varchar not null,          -- marketing | service
  granted boolean not null,
  updated_at timestamptz not null
);
