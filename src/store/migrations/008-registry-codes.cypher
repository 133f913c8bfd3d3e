// A unit's registry code (mã đơn vị, set by the registry import: src/registry) is unique once
// set; units without one are not constrained. The constraint's index serves unitByRegistryCode.
CREATE CONSTRAINT unit_registry_code IF NOT EXISTS FOR (n:Unit) REQUIRE n.registryCode IS UNIQUE;
