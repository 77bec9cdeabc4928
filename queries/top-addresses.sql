-- @name top-addresses
-- @description Addresses that moved the most bytes, sent and received
-- @params start end limit interface_id vpc_id subnet_id action protocol src_cidr dst_cidr
-- @fields srcaddr dstaddr bytes start
-- @column address varchar
-- @column bytes_out bigint
-- @column bytes_in bigint
-- @column bytes bigint
-- @column flows bigint
-- @order bytes desc, address (NULL last)
-- @chart bars bytes address
WITH counted AS (
  SELECT srcaddr, dstaddr, bytes
  FROM {{table}}
  WHERE dt BETWEEN :partition_from AND :partition_to
    AND start >= :start AND start < :end
    AND {{filters}}
),
sides AS (
  SELECT srcaddr AS address, bytes AS bytes_out, 0 AS bytes_in, 1 AS flow FROM counted
  UNION ALL
  -- A record from an address to itself counts once in flows, on its sending side.
  SELECT dstaddr, 0, bytes, CASE WHEN dstaddr IS NOT DISTINCT FROM srcaddr THEN 0 ELSE 1 END FROM counted
)
SELECT
  address,
  CAST(sum(bytes_out) AS BIGINT) AS bytes_out,
  CAST(sum(bytes_in) AS BIGINT) AS bytes_in,
  CAST(sum(bytes_out + bytes_in) AS BIGINT) AS bytes,
  CAST(sum(flow) AS BIGINT) AS flows
FROM sides
GROUP BY address
ORDER BY bytes DESC, address ASC NULLS LAST
LIMIT {{limit}}
