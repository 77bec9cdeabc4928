-- @name traffic-change
-- @description Network interfaces (or internal addresses) whose bytes in the range differ from their daily mean over the baseline days before by min_ratio or more, up or down, or that the baseline never saw
-- @params start end limit baseline_days internal_cidrs interface_id vpc_id subnet_id protocol
-- @param by enum interface|address default interface: Compare network interfaces, or internal addresses (the bytes they send and receive)
-- @param min_ratio integer 2..1000 default 3: Smallest factor between the range's bytes and the baseline's daily mean, either way
-- @fields interface-id srcaddr dstaddr bytes start
-- @column key varchar
-- @column change varchar
-- @column bytes bigint
-- @column baseline_daily_mean double
-- @column ratio double
-- @order difference desc, key
-- @chart bars bytes key change
-- difference is |bytes × baseline_days − baseline bytes|: how far the range is from the baseline's daily mean, in bytes × days.
-- One scan reads the baseline and the range: each record is paired with the period it falls in (recent, baseline)
-- and with the side that keys it (its interface, or its internal source and destination addresses).
SELECT key, change, bytes, baseline_daily_mean, ratio
FROM (
  SELECT
    key,
    CASE WHEN baseline_bytes = 0 THEN 'new' WHEN bytes * days > baseline_bytes THEN 'up' ELSE 'down' END AS change,
    bytes,
    baseline_bytes,
    days,
    CAST(baseline_bytes AS DOUBLE) / days AS baseline_daily_mean,
    CASE WHEN baseline_bytes > 0 THEN CAST(bytes AS DOUBLE) / (CAST(baseline_bytes AS DOUBLE) / days) END AS ratio,
    abs(bytes * days - baseline_bytes) AS difference
  FROM (
    SELECT
      CASE side WHEN 'interface' THEN interface_id WHEN 'source' THEN srcaddr ELSE dstaddr END AS key,
      CAST(sum(CASE WHEN period = 'recent' THEN bytes ELSE 0 END) AS BIGINT) AS bytes,
      CAST(sum(CASE WHEN period = 'baseline' THEN bytes ELSE 0 END) AS BIGINT) AS baseline_bytes
    FROM {{table}}
    CROSS JOIN (VALUES ('recent'), ('baseline')) AS periods (period)
    CROSS JOIN (VALUES ('interface'), ('source'), ('destination')) AS sides (side)
    WHERE dt BETWEEN :baseline_partition_from AND :partition_to
      AND ((period = 'recent' AND start >= :start AND start < :end) OR (period = 'baseline' AND start >= :baseline_start AND start < :start))
      AND {{filters}}
      AND ((side = 'interface' AND :by = 'interface')
        OR (side = 'source' AND :by = 'address' AND {{cidr_contains(:internal_cidrs, srcaddr)}})
        OR (side = 'destination' AND :by = 'address' AND {{cidr_contains(:internal_cidrs, dstaddr)}}))
    GROUP BY CASE side WHEN 'interface' THEN interface_id WHEN 'source' THEN srcaddr ELSE dstaddr END
  ) AS totals
  -- The baseline's length as a value: Athena takes parameters only in WHERE.
  CROSS JOIN (SELECT days FROM (VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12), (13), (14), (15), (16), (17), (18), (19), (20), (21), (22), (23), (24), (25), (26), (27), (28), (29), (30)) AS lengths (days) WHERE days = :baseline_days) AS setting
  WHERE key IS NOT NULL
) AS compared
WHERE (baseline_bytes = 0 AND bytes > 0)
  OR (baseline_bytes > 0 AND (bytes * days >= :min_ratio * baseline_bytes OR bytes * :min_ratio * days <= baseline_bytes))
ORDER BY difference DESC, key ASC
LIMIT {{limit}}
