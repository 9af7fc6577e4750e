// stats: How many nodes of each label and relationships of each type the graph holds.
//
// Parameters: none
//
// Columns: kind, type, count
//   kind: node or relationship; type: the label or relationship type.
CALL () {
  CALL db.labels() YIELD label
  CALL (label) {
    MATCH (n:$(label))
    RETURN count(n) AS count
  }
  RETURN 'node' AS kind, label AS type, count
  UNION ALL
  CALL db.relationshipTypes() YIELD relationshipType
  CALL (relationshipType) {
    MATCH ()-[r:$(relationshipType)]->()
    RETURN count(r) AS count
  }
  RETURN 'relationship' AS kind, relationshipType AS type, count
}
WITH kind, type, count
WHERE count > 0
RETURN kind, type, count
ORDER BY kind, type
