// A directed graph laid out by dagre and drawn as SVG (text through htm, so escaped).
import dagre from 'dagre';
import { html } from 'htm/preact';
import { useMemo } from 'preact/hooks';

const CHAR = 6.4;

export function Graph({ nodes, edges, rankdir = 'TB', onNodeClick, nodeTestId = 'node', fit }) {
  const layout = useMemo(() => {
    const g = new dagre.graphlib.Graph({ multigraph: true });
    g.setGraph({ rankdir, nodesep: 14, ranksep: 26, edgesep: 6, marginx: 8, marginy: 8 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const node of nodes) {
      const lines = [node.label, node.sublabel].filter(Boolean);
      const width = Math.max(60, ...lines.map((line) => String(line).length * CHAR + 16));
      g.setNode(node.id, { width, height: lines.length > 1 ? 36 : 24, node });
    }
    edges.forEach((edge, i) => {
      if (!g.hasNode(edge.from) || !g.hasNode(edge.to)) return;
      const label = edge.label ?? '';
      g.setEdge(
        edge.from,
        edge.to,
        { edge, width: label ? label.length * 5.6 : 0, height: label ? 12 : 0, labelpos: 'c' },
        `e${i}`,
      );
    });
    dagre.layout(g);
    const graph = g.graph();
    return {
      width: (graph.width ?? 100) + 24,
      height: (graph.height ?? 100) + 24,
      nodes: g.nodes().map((id) => g.node(id)),
      edges: g.edges().map((e) => g.edge(e)),
    };
  }, [nodes, edges, rankdir]);
  return html`
    <svg width=${fit ? '100%' : layout.width} height=${fit ? fit : layout.height} viewBox=${`0 0 ${layout.width} ${layout.height}`}
      preserveAspectRatio="xMidYMin meet">
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#64748b" />
        </marker>
      </defs>
      ${layout.edges.map(
        (e) => html`<g>
          <path class=${`edge ${e.edge.cls ?? ''}`} marker-end="url(#arrow)"
            d=${e.points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')} />
          ${e.edge.label ? html`<text class="edge-label" x=${e.x} y=${e.y + 3} text-anchor="middle">${e.edge.label}</text>` : null}
        </g>`,
      )}
      ${layout.nodes.map(
        (n) => html`<g class=${`node ${n.node.cls ?? ''}`} data-testid=${nodeTestId} data-name=${n.node.id}
            data-status=${n.node.status ?? ''} transform=${`translate(${n.x - n.width / 2},${n.y - n.height / 2})`}
            onClick=${onNodeClick ? () => onNodeClick(n.node) : undefined} style=${onNodeClick ? { cursor: 'pointer' } : undefined}>
          <rect width=${n.width} height=${n.height} rx="4" />
          <text x=${n.width / 2} y=${n.node.sublabel ? 14 : 16} text-anchor="middle">${n.node.label}</text>
          ${n.node.sublabel ? html`<text x=${n.width / 2} y="29" text-anchor="middle" class="muted">${n.node.sublabel}</text>` : null}
          <title>${n.node.title ?? n.node.label}</title>
        </g>`,
      )}
    </svg>
  `;
}
