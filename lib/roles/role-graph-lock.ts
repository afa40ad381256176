/**
 * Serialises edits of the policy graph — roles, their scopes and parents, who holds which role, role mappings — so
 * that two concurrent edits cannot together close a cycle, or delete a role another edit is about to attach to, and so
 * that the privilege rules (lib/privilege) judge the graph a change really applies to.
 */
export const POLICY_EDIT_LOCK = 7_207_369_003;

