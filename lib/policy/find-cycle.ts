/**
 * If making `parentId` a parent of `roleId` would close a cycle, returns it as a list of role ids starting and ending
 * at `roleId` (role → parent → … → role); otherwise null. `parentsOf` reads the current graph.
 */
export function findCycle(
  roleId: string,
  parentId: string,
  parentsOf: (id: string) => readonly string[],
): string[] | null {
  if (roleId === parentId) return [roleId, roleId];
  // A cycle appears exactly when roleId is already an ancestor of parentId: search upward from parentId.
  const cameFrom = new Map<string, string>([[parentId, roleId]]);
  const queue = [parentId];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const next of parentsOf(current)) {
      if (cameFrom.has(next)) continue;
      cameFrom.set(next, current);
      if (next === roleId) {
        const path = [roleId];
        for (let at = cameFrom.get(roleId)!; at !== roleId; at = cameFrom.get(at)!) path.unshift(at);
        return [roleId, ...path];
      }
      queue.push(next);
    }
  }
  return null;
}
