-- @name port-scanners
-- @description Sources whose rejected records reach many distinct destination ports
-- @params start end limit interface_id vpc_id subnet_id protocol src_cidr dst_cidr
-- @param min_ports integer 2..65535 default 10: Fewest distinct destination ports a source must reach
-- @fields srcaddr dstaddr dstport bytes start end action
-- @column srcaddr varchar
-- @column ports bigint
-- @column targets bigint
-- @column flows bigint
-- @column first_seen bigint
-- @column last_seen bigint
-- @order ports desc, flows desc, srcaddr (NULL last)
-- @chart bars ports srcaddr
SELECT srcaddr, ports, targets, flows, first_seen, last_seen
FROM (
  SELECT
    srcaddr,
    count(DISTINCT dstport) AS ports,
    count(DISTINCT dstaddr) AS targets,
    count(*) AS flows,
    min(start) AS first_seen,
    max("end") AS last_seen
  FROM {{table}}
  WHERE dt BETWEEN :partition_from AND :partition_to
    AND start >= :start AND start < :end
    AND {{filters}}
    AND action = 'REJECT'
  GROUP BY srcaddr
) AS per_source
-- The threshold filters an outer WHERE, since Athena takes parameters only in WHERE (not HAVING).
WHERE ports >= :min_ports
ORDER BY ports DESC, flows DESC, srcaddr ASC NULLS LAST
LIMIT {{limit}}
