-- contraband findings in ClickHouse: one row per finding line and one per
-- scan summary line of `contraband scan --format ecs`, as flattened by
-- ecs_to_clickhouse.py and inserted with
--   INSERT INTO contraband_findings FORMAT JSONEachRow
--   INSERT INTO contraband_scans FORMAT JSONEachRow
-- Written for and tested on ClickHouse 18.16 (Debian 12's clickhouse-server),
-- which has no JSON column type, no JSONExtract* functions and no nested
-- JSON objects in JSONEachRow input: the lines are flattened before the
-- insert, and the raw line is kept for anything the columns leave out.
-- Every later ClickHouse reads this SQL the same way.

CREATE TABLE IF NOT EXISTS contraband_findings
(
    timestamp       DateTime('UTC'),  -- @timestamp: when the scan finished
    event_id        String,           -- event.id: host + product + software + source
    host_name       String,           -- host.name, or the name the fleet knows it by
    host_id         String,
    os_name         String,
    os_version      String,
    product         String,           -- rule.id: the catalog product
    product_name    String,           -- rule.name
    vendor          String,
    policies        Array(String),    -- the catalog policies that ban the product
    rule_version    String,           -- the catalog version
    rule_reference  String,           -- the ban's source
    confidence      String,           -- high | medium | low
    severity        UInt8,            -- event.severity
    state           String,           -- installed | removed | residue
    package_name    String,
    package_version String,
    package_type    String,           -- the ecosystem: dpkg, rpm, windows, android, ...
    package_path    String,
    user_name       String,
    file_path       String,
    file_sha256     String,
    evidence        String,
    raw             String            -- the ECS line as contraband wrote it
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(timestamp)
ORDER BY (product, host_name, timestamp);

CREATE TABLE IF NOT EXISTS contraband_scans
(
    timestamp        DateTime('UTC'),  -- @timestamp of the summary line
    host_name        String,
    host_id          String,
    verdict          String,           -- clean | banned-installed | incomplete | ...
    findings         UInt32,
    installed        UInt32,
    software         UInt32,
    warnings         UInt32,
    duration_ms      UInt64,
    tool_version     String,
    catalog_version  String,
    catalog_sha256   String,
    evidence         Array(String),
    unreadable       Array(String)
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(timestamp)
ORDER BY (host_name, timestamp);
