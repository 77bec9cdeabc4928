-- @name new-listeners
-- @description Internal addresses that accepted connections on a port and protocol on which they accepted none in the baseline days before
-- @params start end limit baseline_days internal_cidrs interface_id vpc_id subnet_id protocol
-- @fields srcaddr dstaddr srcport dstport protocol bytes start action
-- @column address varchar
-- @column port integer
-- @column protocol integer
-- @column sources bigint
-- @column flows bigint
-- @column bytes bigint
-- @column first_seen bigint
-- @order bytes desc, address, port, protocol
-- @chart bars bytes address port
-- A record reaches a listener when its destination port is below its source port: a server listens on the lower port
-- and its replies go back to the client's higher ephemeral port, which would otherwise look like a new listener.
SELECT recent.address AS address, recent.port AS port, recent.protocol AS protocol, recent.sources AS sources, recent.flows AS flows, recent.bytes AS bytes, recent.first_seen AS first_seen
FROM (
  SELECT
    address,
    port,
    protocol,
    count(DISTINCT srcaddr) AS sources,
    count(*) AS flows,
    CAST(sum(bytes) AS BIGINT) AS bytes,
    min(start) AS first_seen
  FROM (
    SELECT dstaddr AS address, dstport AS port, protocol, srcaddr, bytes, start
    FROM {{table}}
    WHERE dt BETWEEN :partition_from AND :partition_to
      AND start >= :start AND start < :end
      AND {{filters}}
      AND action = 'ACCEPT'
      AND dstport < srcport
      AND protocol IS NOT NULL
      AND {{cidr_contains(:internal_cidrs, dstaddr)}}
  ) AS listening
  GROUP BY address, port, protocol
) AS recent
-- Ports that accepted connections in the baseline, whatever the filters: those are not new.
LEFT JOIN (
  SELECT DISTINCT dstaddr, dstport, protocol
  FROM {{table}}
  WHERE dt BETWEEN :baseline_partition_from AND :baseline_partition_to
    AND start >= :baseline_start AND start < :start
    AND bytes IS NOT NULL
    AND log_status = 'OK' -- if-column log_status
    AND action = 'ACCEPT'
    AND dstport < srcport
    AND protocol IS NOT NULL
) AS seen ON seen.dstaddr = recent.address AND seen.dstport = recent.port AND seen.protocol = recent.protocol
WHERE seen.dstaddr IS NULL
ORDER BY bytes DESC, address ASC, port ASC, protocol ASC
LIMIT {{limit}}
