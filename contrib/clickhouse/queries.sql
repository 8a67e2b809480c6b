-- The questions an auditor asks, for ClickHouse 18.16 and later (no query
-- parameters before 19.x: edit the quoted product id and date in place).
-- Each query begins with a "-- query: NAME" line; the test runs them by name.
-- "Now" for a host is its latest scan (contraband_scans), so software removed
-- since an earlier night no longer counts as installed.

-- query: hosts_with_kaspersky
-- Which hosts have Kaspersky installed, as of their latest scan.
SELECT
    host_name,
    max(timestamp) AS scanned,
    groupUniqArray(package_name) AS packages,
    groupUniqArray(package_type) AS ecosystems
FROM contraband_findings
WHERE product = 'kaspersky'
  AND state = 'installed'
  AND (host_name, timestamp) IN
      (SELECT host_name, max(timestamp) FROM contraband_scans GROUP BY host_name)
GROUP BY host_name
ORDER BY host_name;

-- query: found_since
-- What was found since a date: every finding first seen on or after it.
SELECT
    host_name,
    product,
    package_name,
    package_version,
    state,
    min(timestamp) AS first_seen,
    max(timestamp) AS last_seen
FROM contraband_findings
GROUP BY host_name, product, package_name, package_version, state
HAVING first_seen >= toDateTime('2026-01-01 00:00:00', 'UTC')
ORDER BY first_seen, host_name, product;

-- query: policies_per_host
-- Which policies each host breaks now: the policies banning any product
-- installed at its latest scan.
SELECT
    host_name,
    arraySort(groupUniqArray(policy)) AS policies_broken,
    arraySort(groupUniqArray(product)) AS products
FROM contraband_findings
ARRAY JOIN policies AS policy
WHERE state = 'installed'
  AND (host_name, timestamp) IN
      (SELECT host_name, max(timestamp) FROM contraband_scans GROUP BY host_name)
GROUP BY host_name
ORDER BY host_name;

-- query: hosts_by_product
-- How many hosts have each product installed now.
SELECT product, uniqExact(host_name) AS hosts, count() AS findings
FROM contraband_findings
WHERE state = 'installed'
  AND (host_name, timestamp) IN
      (SELECT host_name, max(timestamp) FROM contraband_scans GROUP BY host_name)
GROUP BY product
ORDER BY hosts DESC, product;

-- query: unverified_hosts
-- Hosts whose latest scan did not finish cleanly (exit 3: evidence missing
-- or --max-runtime reached) or is older than two days: their verdict is
-- not to be trusted.
SELECT host_name, argMax(verdict, timestamp) AS last_verdict, max(timestamp) AS last_scan,
       argMax(unreadable, timestamp) AS unreadable
FROM contraband_scans
GROUP BY host_name
HAVING last_verdict = 'incomplete' OR last_scan < now() - 2 * 86400
ORDER BY host_name;
