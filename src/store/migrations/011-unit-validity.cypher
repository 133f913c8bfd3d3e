// graphDiff finds the units opened and closed inside a window (in neither of its two states) by
// their first day: a range index on it (src/store/diff-repository.ts, transientUnits).
CREATE RANGE INDEX unit_valid_from IF NOT EXISTS FOR (n:Unit) ON (n.validFrom);
