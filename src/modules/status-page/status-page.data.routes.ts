import type { AppRouter } from "../../http/router.js";
import {
  type ExportKind,
  ExportRangeError,
  exportFileName,
  exportInstallationCsv,
  parseExportRange,
} from "../exports/exports.usecases.js";
import { getInstallationInsights } from "./insights-page.usecases.js";
import { insightsPageView } from "./insights-page.view-models.js";
import { STATUS_PATH, type StatusPageContext } from "./status-page.context.js";
import { badRequest, notFound } from "./status-page.errors.js";
import { parseId, requireId, securityHeaders, sendHtml } from "./status-page.http.js";
import { visibleInstallation } from "./status-page.usecases.js";

const files: Record<string, ExportKind> = { "pull-requests.csv": "pull-requests", "reviews.csv": "reviews" };

function range(query: Record<string, string | undefined>) {
  try {
    return parseExportRange(query);
  } catch (error) {
    if (error instanceof ExportRangeError) throw badRequest(error.message);
    throw error;
  }
}

/** The insights page, the export form, and the CSV exports (for the page's session and for the API's token). */
export function registerDataRoutes(router: AppRouter, ctx: StatusPageContext): void {
  registerInsightsPage(router, ctx);
  registerExports(router, ctx);
}

function registerInsightsPage(router: AppRouter, ctx: StatusPageContext): void {
  const { runtime } = ctx;
  const { db } = runtime;

  router.on(
    "GET",
    `${STATUS_PATH}/installations/:id/insights`,
    ctx.guarded("page", async ({ res, params, query, viewer, csrf }) => {
      const id = requireId(params.id, "installation");
      const repositoryId = query.repository ? parseId(query.repository) : null;
      if (query.repository && repositoryId === null) throw badRequest("repository must be a repository id.");
      const insights = await getInstallationInsights({
        db,
        viewer,
        installationId: id,
        repositoryId,
        backfillDays: runtime.config.BACKFILL_DAYS,
        now: runtime.now(),
        figures: ctx.figures,
      });
      const path = `${STATUS_PATH}/installations/${id}`;
      const html = ctx.render("insights", {
        title: `Insights · ${insights.installation.account}`,
        statusPath: STATUS_PATH,
        signedIn: true,
        csrf,
        charts: true,
        installation: insights.installation,
        insights: insightsPageView(insights, path),
      });
      sendHtml(res, 200, html);
    }),
  );
}

function registerExports(router: AppRouter, ctx: StatusPageContext): void {
  const { runtime } = ctx;
  const { db } = runtime;
  router.on(
    "GET",
    `${STATUS_PATH}/installations/:id/export`,
    ctx.guarded("page", async ({ res, params, viewer, csrf }) => {
      const id = requireId(params.id, "installation");
      const installation = await visibleInstallation({ db, viewer, installationId: id, now: runtime.now() });
      const html = ctx.render("export", {
        title: `Export · ${installation.account}`,
        statusPath: STATUS_PATH,
        signedIn: true,
        csrf,
        installation,
      });
      sendHtml(res, 200, html);
    }),
  );

  const exportCsv = (kind: "page" | "api") =>
    ctx.guarded(kind, async ({ res, params, query, viewer }) => {
      const id = requireId(params.id, "installation");
      const file = files[params.file ?? ""];
      if (!file) throw notFound("export");
      const asked = range(query);
      const installation = await visibleInstallation({ db, viewer, installationId: id, now: runtime.now() });
      res.writeHead(200, {
        ...securityHeaders(),
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${exportFileName(installation.account, file, asked)}"`,
      });
      try {
        await exportInstallationCsv({ pool: runtime.pool, installationId: id, kind: file, range: asked, out: res });
      } catch (error) {
        // The status line is gone already: cutting the connection is the only way left to say the file is incomplete.
        runtime.log.error({ err: error, installationId: id }, "export failed part way");
        res.destroy();
      }
    });
  router.on("GET", `${STATUS_PATH}/installations/:id/export/:file`, exportCsv("page"));
  router.on("GET", `/api/installations/:id/export/:file`, exportCsv("api"));
}
