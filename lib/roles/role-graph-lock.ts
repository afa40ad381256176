/**
 * Serialises role-graph edits (create, parents, delete) so two concurrent edits cannot together close a cycle, or
 * delete a role another edit is about to attach to, that each alone would not.
 */
export const ROLE_GRAPH_LOCK = 7_207_369_003;
