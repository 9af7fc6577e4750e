// attacks: Attacks, who carried them out against whom, from where, where they hit, with what, and when.
//
// Parameters:
//   attacker: string, nullable. The attacking party; a state also matches its ministries and armed forces; null: any.
//   target: string, nullable. The targeted party (as for attacker), or a place hit (or containing a place hit); null: any.
//
// In the Neo4j Browser, run this line first (it sets every parameter; null means any):
//   :params {attacker: 'Armenia', target: null}
//
// Columns: event, attacker, target, origins, targets, weapons, start, end, reported_by, document, evidence
//   origins / targets: the most specific places the fire came from / hit (the settlements, not also their
//   region or state).
// $attacker: the entities it names; a State also brings its ministries and armed forces (null: any).
CALL () {
  WITH $attacker AS raw
  WITH raw, reduce(s = '', c IN split(toLower(normalize(raw, NFKD)), '') | s + CASE
      WHEN c =~ '\\p{M}' OR c IN ['.', '"', '\u201c', '\u201d'] THEN ''
      WHEN c IN ['-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '_', '/'] OR trim(c) = '' THEN ' '
      WHEN c IN ['\u2019', '\u2018', '\u02bc', '`'] THEN "'"
      WHEN c = '\u0131' THEN 'i'
      WHEN c = '\u0259' THEN 'e'
      WHEN c = '\u00f8' THEN 'o'
      WHEN c = '\u0142' THEN 'l'
      WHEN c = '\u0111' THEN 'd'
      WHEN c = '\u00df' THEN 'ss'
      WHEN c = '\u03c2' THEN '\u03c3'
      ELSE c
    END) AS folded
  WITH raw, reduce(s = '', w IN split(folded, ' ') | s + CASE WHEN w = '' THEN '' WHEN s = '' THEN w ELSE ' ' + w END) AS spaced
  WITH raw, CASE WHEN spaced STARTS WITH 'the ' THEN substring(spaced, 4) ELSE spaced END AS norm
  OPTIONAL MATCH (nm:Name {value: norm})-[:NAME_OF]->(e:Entity)
  USING INDEX SEEK nm:Name(value)
  OPTIONAL MATCH (sub:Entity)-[:MINISTRY_OF|ARMED_FORCE_OF]->(e:State)
  WITH raw, collect(DISTINCT e) + collect(DISTINCT sub) AS found
  RETURN CASE WHEN raw IS NULL THEN null ELSE found END AS attackers
}
// $target: the entities it names; a State also brings its ministries and armed forces (null: any).
CALL () {
  WITH $target AS raw
  WITH raw, reduce(s = '', c IN split(toLower(normalize(raw, NFKD)), '') | s + CASE
      WHEN c =~ '\\p{M}' OR c IN ['.', '"', '\u201c', '\u201d'] THEN ''
      WHEN c IN ['-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '_', '/'] OR trim(c) = '' THEN ' '
      WHEN c IN ['\u2019', '\u2018', '\u02bc', '`'] THEN "'"
      WHEN c = '\u0131' THEN 'i'
      WHEN c = '\u0259' THEN 'e'
      WHEN c = '\u00f8' THEN 'o'
      WHEN c = '\u0142' THEN 'l'
      WHEN c = '\u0111' THEN 'd'
      WHEN c = '\u00df' THEN 'ss'
      WHEN c = '\u03c2' THEN '\u03c3'
      ELSE c
    END) AS folded
  WITH raw, reduce(s = '', w IN split(folded, ' ') | s + CASE WHEN w = '' THEN '' WHEN s = '' THEN w ELSE ' ' + w END) AS spaced
  WITH raw, CASE WHEN spaced STARTS WITH 'the ' THEN substring(spaced, 4) ELSE spaced END AS norm
  OPTIONAL MATCH (nm:Name {value: norm})-[:NAME_OF]->(e:Entity)
  USING INDEX SEEK nm:Name(value)
  OPTIONAL MATCH (sub:Entity)-[:MINISTRY_OF|ARMED_FORCE_OF]->(e:State)
  WITH raw, collect(DISTINCT e) + collect(DISTINCT sub) AS found
  RETURN CASE WHEN raw IS NULL THEN null ELSE found END AS targeted
}
CALL (attackers, targeted) {
  WITH * WHERE attackers IS NOT NULL
  UNWIND attackers AS x
  MATCH (a:Attack)-[:ATTACKER]->(x)
  RETURN a
  UNION
  WITH * WHERE attackers IS NULL AND targeted IS NOT NULL
  UNWIND targeted AS x
  MATCH (a:Attack)-[:TARGET]->(x)
  RETURN a
  UNION
  WITH * WHERE attackers IS NULL AND targeted IS NOT NULL
  UNWIND targeted AS x
  MATCH (a:Attack)-[:LOCATION]->(:Entity)-[:LOCATED_IN*0..4]->(x)
  RETURN a
  UNION
  WITH * WHERE attackers IS NULL AND targeted IS NULL
  // A nested CALL keeps this scan from running unless both parameters are null.
  CALL (attackers) {
    MATCH (a:Attack)
    RETURN a
  }
  RETURN a
}
WITH DISTINCT a, targeted
WHERE targeted IS NULL
   OR EXISTS { MATCH (a)-[:TARGET]->(x) WHERE x IN targeted }
   OR EXISTS { MATCH (a)-[:LOCATION]->(:Entity)-[:LOCATED_IN*0..4]->(x) WHERE x IN targeted }
// One pass over the attack's relationships; the best-supported attacker, target and reporter win.
CALL (a) {
  OPTIONAL MATCH (a)-[r:ATTACKER|TARGET|ORIGIN|LOCATION]->(x)
  WITH r, x ORDER BY x.name
  RETURN collect({type: type(r), rel: r, node: x}) AS links
}
CALL (a) {
  OPTIONAL MATCH (who)-[r:REPORTED]->(a)
  WITH r, who ORDER BY who.name
  RETURN collect({type: 'REPORTED', rel: r, node: who}) AS reports
}
WITH a, links + reports AS links
WITH a, links,
     [l IN links WHERE l.type = 'ORIGIN' | l.node] AS origin_places,
     [l IN links WHERE l.type = 'LOCATION' | l.node] AS hit_places,
     reduce(best = {}, l IN links | CASE WHEN l.type = 'ATTACKER' AND coalesce(l.rel.confidence, 0) > coalesce(best.c, -1)
       THEN {c: coalesce(l.rel.confidence, 0), name: l.node.name} ELSE best END).name AS attacker,
     reduce(best = {}, l IN links | CASE WHEN l.type = 'TARGET' AND coalesce(l.rel.confidence, 0) > coalesce(best.c, -1)
       THEN {c: coalesce(l.rel.confidence, 0), name: l.node.name} ELSE best END).name AS target,
     reduce(best = {}, l IN links | CASE WHEN l.type = 'REPORTED' AND coalesce(l.rel.confidence, 0) > coalesce(best.c, -1)
       THEN {c: coalesce(l.rel.confidence, 0), name: l.node.name} ELSE best END).name AS reported_by
// The most specific places: drop a wider place (region, territory, state) when the list also holds a
// place inside it, or, for a state or its first-level region, a settlement of the same state (the
// text's "villages of south Lebanon"); a district or an area elsewhere in the state is a place hit.
WITH a, links, attacker, target, reported_by,
     [p IN origin_places WHERE p:Settlement OR NOT any(q IN origin_places WHERE q <> p AND (
        EXISTS { (q)-[:LOCATED_IN*1..4]->(p) }
        OR (q:Settlement AND EXISTS { (q)-[:LOCATED_IN*1..4]->(:State)<-[:LOCATED_IN*0..1]-(p) }))) | p.name] AS origins,
     [p IN hit_places WHERE p:Settlement OR NOT any(q IN hit_places WHERE q <> p AND (
        EXISTS { (q)-[:LOCATED_IN*1..4]->(p) }
        OR (q:Settlement AND EXISTS { (q)-[:LOCATED_IN*1..4]->(:State)<-[:LOCATED_IN*0..1]-(p) }))) | p.name] AS targets
WITH a, attacker, target, reported_by, origins, targets,
     reduce(acc = [], s IN reduce(all = [], l IN links | all + coalesce(l.rel.evidence, [])) |
            CASE WHEN s IN acc THEN acc ELSE acc + s END) AS evidence,
     head([l IN links WHERE size(coalesce(l.rel.sources, [])) > 0 | l.rel.sources[0]]) AS source
OPTIONAL MATCH (d:Document {key: source})
RETURN a.name AS event,
       attacker,
       target,
       [p IN origins WHERE p IS NOT NULL] AS origins,
       [p IN targets WHERE p IS NOT NULL] AS targets,
       coalesce(a.weapons, []) AS weapons,
       a.start AS start,
       a.end AS end,
       reported_by,
       coalesce(d.title, source) AS document,
       evidence
ORDER BY start, event
