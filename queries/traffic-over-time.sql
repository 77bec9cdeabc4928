-- @name traffic-over-time
-- @description Bytes, packets, flows and rejected flows per time bucket (5 minutes, an hour or a day)
-- @params start end limit interface_id vpc_id subnet_id action protocol src_cidr dst_cidr
-- @param limit integer 1..1000 default 1000: Most buckets to return (1-1000)
-- @param bucket enum 5m|1h|1d default 1h: Bucket size: 5m, 1h or 1d
-- @fields packets bytes start action
-- @column bucket_start bigint
-- @column bytes bigint
-- @column packets bigint
-- @column flows bigint
-- @column rejected_flows bigint
-- @order bucket_start
-- @chart columns bytes bucket_start
SELECT
  start - start % sizes.seconds AS bucket_start,
  CAST(sum(bytes) AS BIGINT) AS bytes,
  CAST(sum(packets) AS BIGINT) AS packets,
  count(*) AS flows,
  count(CASE WHEN action = 'REJECT' THEN 1 END) AS rejected_flows
FROM {{table}}
-- The bucket size comes from a join on the bucket's name, since Athena takes parameters only in WHERE.
CROSS JOIN (VALUES ('5m', 300), ('1h', 3600), ('1d', 86400)) AS sizes (bucket, seconds)
WHERE dt BETWEEN :partition_from AND :partition_to
  AND start >= :start AND start < :end
  AND {{filters}}
  AND sizes.bucket = :bucket
GROUP BY start - start % sizes.seconds
ORDER BY bucket_start ASC
LIMIT {{limit}}
