/**
 * One cytoscape canvas shared by the network and org-chart views: the styles (nodes coloured by
 * kind category, edges by relation type; the reporting chain and a path highlighted) and the
 * layouts (cose for the network, elk's layered top-down layout for the org chart).
 */
import cytoscape, { type Core, type ElementDefinition } from "cytoscape";
import elk from "cytoscape-elk";
import { colourOfKind, RELATION_TYPES } from "./vocabulary.ts";

cytoscape.use(elk);

export interface NodeData {
  id: string;
  label: string;
  kind: string;
  /** A group of children of one kind, opened on demand. */
  group?: string;
  /** Children not shown (org chart), shown as a badge. */
  hidden?: number;
  classes?: string[];
}

export interface EdgeData {
  id: string;
  source: string;
  target: string;
  type: string;
  label: string;
  classes?: string[];
}

const STYLE: cytoscape.StylesheetJson = [
  {
    selector: "node",
    style: {
      label: "data(label)",
      "background-color": "data(colour)",
      "font-size": 10,
      "text-wrap": "wrap",
      "text-max-width": "140px",
      "text-valign": "bottom",
      "text-margin-y": 3,
      width: 18,
      height: 18,
      "border-width": 1,
      "border-color": "#fff",
    },
  },
  { selector: "node.root", style: { width: 28, height: 28, "border-width": 3, "border-color": "#111" } },
  {
    selector: "node.group",
    style: { shape: "round-rectangle", width: 26, height: 18, "border-style": "dashed" },
  },
  {
    selector: "node.collapsed",
    style: { "border-width": 3, "border-color": "#555", "border-style": "double" },
  },
  {
    selector: "edge",
    style: {
      width: 1.5,
      "line-color": "data(colour)",
      "target-arrow-color": "data(colour)",
      "target-arrow-shape": "triangle",
      "curve-style": "bezier",
      "arrow-scale": 0.8,
    },
  },
  { selector: "node.chain", style: { "border-width": 3, "border-color": "#0d47a1" } },
  {
    selector: "edge.chain",
    style: {
      width: 4,
      "line-color": "#0d47a1",
      "target-arrow-color": "#0d47a1",
      label: "data(label)",
      "font-size": 9,
      "text-background-color": "#fff",
      "text-background-opacity": 0.85,
      "text-rotation": "autorotate",
    },
  },
  { selector: "node.path", style: { "border-width": 3, "border-color": "#00c853" } },
  { selector: "edge.path", style: { width: 4, "line-color": "#00c853", "target-arrow-color": "#00c853" } },
  { selector: ":selected", style: { "overlay-opacity": 0.15, "overlay-color": "#000" } },
];

export class GraphCanvas {
  readonly cy: Core;

  constructor(container: HTMLElement) {
    this.cy = cytoscape({ container, style: STYLE, minZoom: 0.05, maxZoom: 4 });
  }

  draw(nodes: NodeData[], edges: EdgeData[], layout: "network" | "org"): Promise<void> {
    const elements: ElementDefinition[] = [
      ...nodes.map((n) => ({
        group: "nodes" as const,
        data: { ...n, colour: colourOfKind(n.kind) },
        classes: [...(n.classes ?? []), ...(n.group ? ["group"] : []), ...(n.hidden ? ["collapsed"] : [])],
      })),
      ...edges.map((e) => ({
        group: "edges" as const,
        data: { ...e, colour: RELATION_TYPES[e.type]?.colour ?? "#999" },
        classes: e.classes ?? [],
      })),
    ];
    this.cy.elements().remove();
    this.cy.add(elements);
    const options =
      layout === "org"
        ? {
            name: "elk",
            fit: true,
            padding: 20,
            nodeDimensionsIncludeLabels: true,
            elk: {
              algorithm: "layered",
              "elk.direction": "DOWN",
              "elk.layered.spacing.nodeNodeBetweenLayers": 50,
              "elk.spacing.nodeNode": 20,
            },
          }
        : { name: "cose", fit: true, padding: 30, animate: false, nodeDimensionsIncludeLabels: true };
    return new Promise((resolve) => {
      const run = this.cy.layout(options as cytoscape.LayoutOptions);
      run.one("layoutstop", () => resolve());
      run.run();
    });
  }

  fit(): void {
    this.cy.fit(undefined, 30);
  }

  zoom(factor: number): void {
    const { width, height } = this.cy.container()?.getBoundingClientRect() ?? { width: 0, height: 0 };
    this.cy.zoom({ level: this.cy.zoom() * factor, renderedPosition: { x: width / 2, y: height / 2 } });
  }

  onTap(handler: (data: NodeData) => void): void {
    this.cy.on("tap", "node", (evt) => handler(evt.target.data() as NodeData));
  }

  /** Data URL of the canvas, for screenshots and the PNG button. */
  png(): string {
    return this.cy.png({ full: true, bg: "#ffffff", scale: 1 });
  }
}
