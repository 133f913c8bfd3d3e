/**
 * GET /explorer: the analysts' page, in Vietnamese. The HTML carries no inline script (the CSP
 * of src/http/security.ts holds as it is): the bundle is served as /explorer/assets/explorer.js
 * and .css (src/explorer/bundle.ts).
 */
import type { Express, NextFunction, Request, Response } from "express";
import type { Logger } from "../logger.ts";
import { explorerBundle } from "./bundle.ts";

const PAGE = `<!doctype html>
<html lang="vi">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>Khám phá hệ thống tổ chức — party-org-graph</title>
  <link rel="icon" href="data:," />
  <link rel="stylesheet" href="/explorer/assets/explorer.css" />
  <script src="/explorer/assets/explorer.js" defer></script>
</head>
<body data-busy="1">
  <header>
    <h1>Khám phá hệ thống tổ chức</h1>
    <div class="search">
      <label>Tìm đơn vị <input id="search" type="search" placeholder="vd. tinh uy lam dong" autocomplete="off" /></label>
      <ul id="search-list" hidden></ul>
    </div>
    <label>Ngày <input id="date" type="date" /></label>
    <label>Thời điểm <input id="date-slider" type="range" step="1" /> <span id="slider-label"></span></label>
    <div class="search">
      <label>Đường đi đến <input id="path-search" type="search" placeholder="đơn vị thứ hai" autocomplete="off" /></label>
      <ul id="path-list" hidden></ul>
    </div>
    <details><summary>Cài đặt</summary><form id="settings"><label>Mã truy cập (JWT) <input id="token" type="password" autocomplete="off" /></label></form></details>
  </header>
  <nav>
    <button role="tab" data-view="network">Mạng quan hệ</button>
    <button role="tab" data-view="org">Sơ đồ tổ chức</button>
    <button role="tab" data-view="integrity">Kiểm tra toàn vẹn</button>
    <span class="tools">
      <button id="chain-toggle" aria-pressed="false" title="Tô sáng chuỗi báo cáo lên tới Trung ương">Chuỗi báo cáo</button>
      <button id="clear-path" class="hidden">Bỏ đường đi</button>
      <span id="exports" title="Xuất cây đơn vị đang chọn theo ngày đang chọn">Xuất:
        <a data-export="graphml" href="#">GraphML</a>
        <a data-export="csv-nodes" href="#">CSV đơn vị</a>
        <a data-export="csv-edges" href="#">CSV quan hệ</a>
        <a data-export="json" href="#">JSON</a>
        <a data-export="all" href="#">Toàn bộ (GraphML)</a>
      </span>
      <button id="fit" title="Vừa khung">Vừa khung</button>
      <button id="zoom-in" title="Phóng to">+</button>
      <button id="zoom-out" title="Thu nhỏ">−</button>
    </span>
  </nav>
  <main>
    <div id="canvas-wrap"><div id="legend"></div><div id="graph"></div></div>
    <section id="integrity" class="hidden">
      <label><input type="checkbox" id="integrity-under" /> Chỉ trong cây của đơn vị đang chọn</label>
      <div id="integrity-report"></div>
    </section>
    <aside id="panel" aria-live="polite"></aside>
  </main>
  <footer><div id="status">Đang khởi động…</div><div id="chain-list"></div></footer>
</body>
</html>`;

export function mountExplorer(app: Express, log: Logger): void {
  app.get("/explorer", (_req, res) => {
    res.type("html").set("cache-control", "no-cache").send(PAGE);
  });
  const asset = (kind: "js" | "css") => async (req: Request, res: Response, next: NextFunction) => {
    try {
      const b = await explorerBundle();
      const etag = `"${b.hash}"`;
      res.set("etag", etag).set("cache-control", "no-cache");
      if (req.headers["if-none-match"] === etag) return void res.status(304).end();
      res.type(kind === "js" ? "application/javascript" : "text/css").send(kind === "js" ? b.js : b.css);
    } catch (e) {
      log.error({ err: e }, "explorer bundle failed");
      next(e);
    }
  };
  app.get("/explorer/assets/explorer.js", asset("js"));
  app.get("/explorer/assets/explorer.css", asset("css"));
}
