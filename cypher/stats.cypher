// stats: How many nodes of each label and relationships of each type the graph holds.
//
// Parameters: none
//
// Columns: kind, type, count
//   kind: node or relationship; type: the label or relationship type.
//
// The counts come from Neo4j's count store (db.stats.retrieve), so this is instant on any size of graph.
CALL db.stats.retrieve('GRAPH COUNTS') YIELD data
CALL (data) {
  UNWIND data.nodes AS n
  WITH n
  WHERE n.label IS NOT NULL AND n.count > 0
  RETURN 'node' AS kind, n.label AS type, n.count AS count
  UNION ALL
  UNWIND data.relationships AS r
  WITH r
  WHERE r.relationshipType IS NOT NULL AND r.startLabel IS NULL AND r.endLabel IS NULL AND r.count > 0
  RETURN 'relationship' AS kind, r.relationshipType AS type, r.count AS count
}
RETURN kind, type, count
ORDER BY kind, type
