-- @name ip-versions
-- @description IPv4 and IPv6 traffic compared (IPv6 when the source address contains a colon)
-- @params start end limit interface_id vpc_id subnet_id action protocol src_cidr dst_cidr
-- @fields srcaddr packets bytes start
-- @column ip_version varchar
-- @column bytes bigint
-- @column packets bigint
-- @column flows bigint
-- @order ip_version
-- @chart bars bytes ip_version
SELECT
  CASE WHEN srcaddr LIKE '%:%' THEN 'IPv6' ELSE 'IPv4' END AS ip_version,
  CAST(sum(bytes) AS BIGINT) AS bytes,
  CAST(sum(packets) AS BIGINT) AS packets,
  count(*) AS flows
FROM {{table}}
WHERE dt BETWEEN :partition_from AND :partition_to
  AND start >= :start AND start < :end
  AND {{filters}}
GROUP BY CASE WHEN srcaddr LIKE '%:%' THEN 'IPv6' ELSE 'IPv4' END
ORDER BY ip_version ASC
LIMIT {{limit}}
