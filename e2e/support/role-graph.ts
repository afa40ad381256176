import type { Page } from "@playwright/test";

/**
 * Reads the rendered role graph and lists every edge that passes through a role box it does not connect, by sampling
 * each drawn path every 2 px (in the SVG's own coordinates) against each box shrunk by 1 px.
 */
export function falseEdgeCrossings(page: Page): Promise<string[]> {
  return page.getByTestId("role-graph").evaluate((graph) => {
    const boxes = [...graph.querySelectorAll<SVGRectElement>("rect[data-role-box]")].map((rect) => ({
      name: rect.dataset.roleBox!,
      x: rect.x.baseVal.value + 1,
      y: rect.y.baseVal.value + 1,
      right: rect.x.baseVal.value + rect.width.baseVal.value - 1,
      bottom: rect.y.baseVal.value + rect.height.baseVal.value - 1,
    }));
    const found: string[] = [];
    for (const path of graph.querySelectorAll<SVGPathElement>("path[data-edge]")) {
      const [child, parent] = path.dataset.edge!.split("->");
      const length = path.getTotalLength();
      for (const box of boxes) {
        if (box.name === child || box.name === parent) continue;
        for (let at = 0; at <= length; at += 2) {
          const p = path.getPointAtLength(at);
          if (p.x > box.x && p.x < box.right && p.y > box.y && p.y < box.bottom) {
            found.push(`${child}->${parent} crosses ${box.name}`);
            break;
          }
        }
      }
    }
    return found;
  });
}

/** Whether every role box of the graph lies inside the graph's visible area (nothing cut off by its card). */
export function rolesCutOff(page: Page): Promise<string[]> {
  return page.getByTestId("role-graph").evaluate((graph) => {
    const frame = graph.getBoundingClientRect();
    return [...graph.querySelectorAll<SVGRectElement>("rect[data-role-box]")]
      .filter((rect) => {
        const r = rect.getBoundingClientRect();
        return r.left < frame.left - 0.5 || r.right > frame.right + 0.5;
      })
      .map((rect) => rect.dataset.roleBox!);
  });
}
