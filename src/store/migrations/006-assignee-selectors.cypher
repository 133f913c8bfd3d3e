// Assignee selectors (seed assigneeSelectors: a class of units relative to an anchor, e.g. "Ban thường vụ
// các huyện ủy, thị ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy"): ids are unique; the seed loader MERGEs on them.
CREATE CONSTRAINT assignee_selector_id IF NOT EXISTS FOR (n:AssigneeSelector) REQUIRE n.id IS UNIQUE;
