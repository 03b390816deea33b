-- A statement's own check of what it changed, for statements sent without waiting for their answer
-- (storage's write-behind.ts): `expect_rows(n, expected, what)` returns n when it equals `expected`
-- and otherwise fails the statement, and with it the transaction, naming `what`. Core's coupon
-- redemption writes end with it (coupons.redeem.ts, writeRedemptions): every coupon the batch judged
-- must still have been available.
CREATE FUNCTION "expect_rows"("n" bigint, "expected" bigint, "what" text) RETURNS bigint
  LANGUAGE plpgsql AS $$
  BEGIN
    IF n IS DISTINCT FROM expected THEN
      RAISE EXCEPTION '%: % rows where % were expected', what, n, expected USING ERRCODE = 'P0001';
    END IF;
    RETURN n;
  END
  $$;
