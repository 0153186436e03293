-- Xero's limits shared by every process (lib/sync/shared-limits.ts): one call of a function per
-- acquire and per release, each one round trip. p_now is the instant to reason at (tests pass one;
-- null = the database's clock, the one clock all machines share).
--
-- xero_limit_acquire admits one call of app p_client to organisation p_tenant, or says how long to
-- wait and why (paused: a 429's Retry-After; minute / app: a rolling minute is full, by our own
-- calls or by what Xero's *Remaining headers said; concurrent: p_concurrent in flight; day: the
-- daily quota is used up and another call is in flight), or that the organisation is stopped by
-- its daily limit until limited_until. Acquires of one app run one at a time (the app row's lock),
-- and each statement of a plpgsql function sees what committed before it, so every count below
-- includes every call admitted before this one, in any process.
CREATE OR REPLACE FUNCTION xero_limit_acquire(
  p_client text, p_tenant text, p_now timestamptz,
  p_per_minute integer, p_concurrent integer, p_app_per_minute integer, p_margin_ms integer, p_hold_ms integer
) RETURNS TABLE (granted_slot bigint, wait_ms integer, wait_reason text, limited_until timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
  v_now timestamptz := coalesce(p_now, clock_timestamp());
  v_span interval := make_interval(secs => (60000 + p_margin_ms) / 1000.0);
  v_app xero_limit_scopes%ROWTYPE;
  v_org xero_limit_scopes%ROWTYPE;
  v_until timestamptz := v_now;
  v_reason text;
  v_at timestamptz;
  v_in_flight integer;
  v_first_expiry timestamptz;
  v_id bigint;
BEGIN
  -- Bookkeeping a crash may lose (a slot then simply ends): not worth a disk flush per call.
  PERFORM set_config('synchronous_commit', 'off', true);
  INSERT INTO xero_limit_scopes (client_id, xero_tenant_id) VALUES (p_client, ''), (p_client, p_tenant) ON CONFLICT DO NOTHING;
  SELECT * INTO v_app FROM xero_limit_scopes WHERE client_id = p_client AND xero_tenant_id = '' FOR UPDATE;
  SELECT * INTO v_org FROM xero_limit_scopes WHERE client_id = p_client AND xero_tenant_id = p_tenant FOR UPDATE;

  -- Bookkeeping older than the windows (and not in flight) is of no use.
  DELETE FROM xero_limit_calls
   WHERE client_id = p_client AND started_at < v_now - interval '2 minutes' AND (released_at IS NOT NULL OR expires_at <= v_now);

  IF v_org.day_limited_until > v_now THEN
    RETURN QUERY SELECT NULL::bigint, NULL::integer, 'day'::text, v_org.day_limited_until;
    RETURN;
  END IF;

  -- A 429 named a time to come back.
  IF greatest(v_app.paused_until, v_org.paused_until) > v_until THEN
    v_until := greatest(v_app.paused_until, v_org.paused_until);
    v_reason := 'paused';
  END IF;

  -- Our own calls in the rolling minute (plus the margin: Xero counts arrival, we count departure):
  -- the p_per_minute-th newest must leave the window first.
  SELECT started_at INTO v_at FROM xero_limit_calls
   WHERE client_id = p_client AND xero_tenant_id = p_tenant AND started_at > v_now - v_span
   ORDER BY started_at DESC OFFSET p_per_minute - 1 LIMIT 1;
  IF v_at + v_span + interval '1 millisecond' > v_until THEN
    v_until := v_at + v_span + interval '1 millisecond';
    v_reason := 'minute';
  END IF;
  SELECT started_at INTO v_at FROM xero_limit_calls
   WHERE client_id = p_client AND started_at > v_now - v_span
   ORDER BY started_at DESC OFFSET p_app_per_minute - 1 LIMIT 1;
  IF v_at + v_span + interval '1 millisecond' > v_until THEN
    v_until := v_at + v_span + interval '1 millisecond';
    v_reason := 'app';
  END IF;

  -- What Xero said remains (others may share the quota): used up, the minute it spoke of must pass.
  IF v_org.minute_left <= 0 AND v_org.minute_seen_at + v_span > v_until THEN
    v_until := v_org.minute_seen_at + v_span;
    v_reason := 'minute';
  END IF;
  IF v_app.minute_left <= 0 AND v_app.minute_seen_at + v_span > v_until THEN
    v_until := v_app.minute_seen_at + v_span;
    v_reason := 'app';
  END IF;

  SELECT count(*), min(expires_at) INTO v_in_flight, v_first_expiry FROM xero_limit_calls
   WHERE client_id = p_client AND xero_tenant_id = p_tenant AND released_at IS NULL AND expires_at > v_now;

  IF v_until > v_now THEN
    RETURN QUERY SELECT NULL::bigint, ceil(extract(epoch FROM v_until - v_now) * 1000)::integer, v_reason, NULL::timestamptz;
    RETURN;
  END IF;
  -- The daily quota is used up (the count of a day's calls is Xero's alone): one call at a time
  -- goes, so that Xero's 429 names the instant it frees (Retry-After) or its answer shows it did.
  IF v_in_flight >= p_concurrent OR (v_org.day_left <= 0 AND v_in_flight > 0) THEN
    RETURN QUERY SELECT NULL::bigint, greatest(1, ceil(extract(epoch FROM v_first_expiry - v_now) * 1000))::integer,
      CASE WHEN v_in_flight >= p_concurrent THEN 'concurrent' ELSE 'day' END, NULL::timestamptz;
    RETURN;
  END IF;

  INSERT INTO xero_limit_calls (client_id, xero_tenant_id, started_at, expires_at)
  VALUES (p_client, p_tenant, v_now, v_now + make_interval(secs => p_hold_ms / 1000.0))
  RETURNING id INTO v_id;
  UPDATE xero_limit_scopes SET minute_left = minute_left - 1, day_left = day_left - 1
   WHERE client_id = p_client AND xero_tenant_id = p_tenant;
  UPDATE xero_limit_scopes SET minute_left = minute_left - 1 WHERE client_id = p_client AND xero_tenant_id = '';
  RETURN QUERY SELECT v_id, 0, NULL::text, NULL::timestamptz;
END;
$$;
--> statement-breakpoint
-- xero_limit_release ends call p_slot and records what Xero's answer said: the *Remaining headers
-- (null: not given, or a 429, whose Retry-After is authoritative), a pause of the organisation or
-- of the app, or a daily-limit stop (each a 429's Retry-After, in ms). A remaining count R told by
-- the call that started at s covers the calls Xero had counted then; calls started since s may
-- not be in it, so what is left for new calls is R minus those. Older news than the stored one is
-- ignored. Locks in the order of xero_limit_acquire (app, then organisation).
CREATE OR REPLACE FUNCTION xero_limit_release(
  p_slot bigint, p_now timestamptz, p_minute_left integer, p_app_left integer, p_day_left integer,
  p_pause_ms integer, p_app_pause_ms integer, p_day_ms integer
) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_now timestamptz := coalesce(p_now, clock_timestamp());
  v_call xero_limit_calls%ROWTYPE;
  v_app xero_limit_scopes%ROWTYPE;
  v_org xero_limit_scopes%ROWTYPE;
  v_since integer;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  SELECT * INTO v_call FROM xero_limit_calls WHERE id = p_slot;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  SELECT * INTO v_app FROM xero_limit_scopes WHERE client_id = v_call.client_id AND xero_tenant_id = '' FOR UPDATE;
  SELECT * INTO v_org FROM xero_limit_scopes WHERE client_id = v_call.client_id AND xero_tenant_id = v_call.xero_tenant_id FOR UPDATE;
  UPDATE xero_limit_calls SET released_at = v_now WHERE id = p_slot AND released_at IS NULL;

  IF p_minute_left IS NOT NULL AND (v_org.minute_seen_start IS NULL OR v_call.started_at >= v_org.minute_seen_start) THEN
    SELECT count(*) - 1 INTO v_since FROM xero_limit_calls
     WHERE client_id = v_call.client_id AND xero_tenant_id = v_call.xero_tenant_id AND started_at >= v_call.started_at;
    UPDATE xero_limit_scopes SET minute_left = p_minute_left - v_since, minute_seen_start = v_call.started_at, minute_seen_at = v_now
     WHERE client_id = v_call.client_id AND xero_tenant_id = v_call.xero_tenant_id;
  END IF;
  IF p_day_left IS NOT NULL AND (v_org.day_seen_start IS NULL OR v_call.started_at >= v_org.day_seen_start) THEN
    SELECT count(*) - 1 INTO v_since FROM xero_limit_calls
     WHERE client_id = v_call.client_id AND xero_tenant_id = v_call.xero_tenant_id AND started_at >= v_call.started_at;
    UPDATE xero_limit_scopes SET day_left = p_day_left - v_since, day_seen_start = v_call.started_at
     WHERE client_id = v_call.client_id AND xero_tenant_id = v_call.xero_tenant_id;
  END IF;
  IF p_app_left IS NOT NULL AND (v_app.minute_seen_start IS NULL OR v_call.started_at >= v_app.minute_seen_start) THEN
    SELECT count(*) - 1 INTO v_since FROM xero_limit_calls WHERE client_id = v_call.client_id AND started_at >= v_call.started_at;
    UPDATE xero_limit_scopes SET minute_left = p_app_left - v_since, minute_seen_start = v_call.started_at, minute_seen_at = v_now
     WHERE client_id = v_call.client_id AND xero_tenant_id = '';
  END IF;

  IF p_pause_ms IS NOT NULL THEN
    UPDATE xero_limit_scopes SET paused_until = greatest(paused_until, v_now + make_interval(secs => p_pause_ms / 1000.0))
     WHERE client_id = v_call.client_id AND xero_tenant_id = v_call.xero_tenant_id;
  END IF;
  IF p_app_pause_ms IS NOT NULL THEN
    UPDATE xero_limit_scopes SET paused_until = greatest(paused_until, v_now + make_interval(secs => p_app_pause_ms / 1000.0))
     WHERE client_id = v_call.client_id AND xero_tenant_id = '';
  END IF;
  IF p_day_ms IS NOT NULL THEN
    UPDATE xero_limit_scopes SET day_limited_until = greatest(day_limited_until, v_now + make_interval(secs => p_day_ms / 1000.0)), day_left = 0, day_seen_start = v_call.started_at
     WHERE client_id = v_call.client_id AND xero_tenant_id = v_call.xero_tenant_id;
  END IF;
END;
$$;
