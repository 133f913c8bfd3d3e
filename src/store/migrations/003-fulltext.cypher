// Unit names for searchUnits: the standard-folding analyzer drops diacritics (ASCII folding),
// and nameFolded holds our own folding (đ → d) as a second field.
CREATE FULLTEXT INDEX unit_names IF NOT EXISTS FOR (n:Unit) ON EACH [n.name, n.nameFolded]
OPTIONS { indexConfig: { `fulltext.analyzer`: 'standard-folding', `fulltext.eventually_consistent`: false } };
