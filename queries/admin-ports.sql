-- @name admin-ports
-- @description Traffic to administration and database ports by source, destination, port and action
-- @params start end limit interface_id vpc_id subnet_id action protocol src_cidr dst_cidr
-- @param ports integer-list 0..65535 count 1..50 default 22,23,445,1433,1521,3306,3389,5432,5900,5985,5986,6379,9200,27017: Destination ports to report
-- @fields srcaddr dstaddr dstport packets bytes start action
-- @column srcaddr varchar
-- @column dstaddr varchar
-- @column dstport integer
-- @column action varchar
-- @column bytes bigint
-- @column packets bigint
-- @column flows bigint
-- @order flows desc, srcaddr, dstaddr, dstport, action (NULLs last)
-- @chart bars flows srcaddr dstaddr dstport
SELECT
  srcaddr,
  dstaddr,
  dstport,
  action,
  CAST(sum(bytes) AS BIGINT) AS bytes,
  CAST(sum(packets) AS BIGINT) AS packets,
  count(*) AS flows
FROM {{table}}
WHERE dt BETWEEN :partition_from AND :partition_to
  AND start >= :start AND start < :end
  AND {{filters}}
  AND dstport IN (:ports)
GROUP BY srcaddr, dstaddr, dstport, action
ORDER BY flows DESC, srcaddr ASC NULLS LAST, dstaddr ASC NULLS LAST, dstport ASC NULLS LAST, action ASC NULLS LAST
LIMIT {{limit}}
