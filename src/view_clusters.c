/*
 * view_clusters - the selected target's EKS clusters in the detail pane:
 * one row per cluster (region, name, version, status, endpoint) in the
 * model's order (by region, then name), then one row per region whose
 * lookup failed, in STYLE_ERROR. Without rows to show, one line says
 * where discovery stands ("discovering...", "none found in ...").
 *
 * Columns are dropped right to left (endpoint, version, status) on narrow
 * terminals; when the rows do not fit, a window follows the selected
 * cluster and a last line counts the rest.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view_int.h"
#include "xalloc.h"

#define REGION_MAX 14
#define CLUSTER_FIRST 16
#define CLUSTER_MAX 40
#define VERSION_W 7
#define STATUS_W 8
#define ENDPOINT_MIN 12
#define ENDPOINT_WANT 24

struct cluster_cols {
	int region, region_w, name, name_w, version, status, endpoint;
	int endpoint_w;
};

static void
cluster_columns(struct view *v, const struct ui_target *ut,
                struct cluster_cols *c)
{
	int avail = v->cols - 1 - 4, need, region = 6, natural = 7, w;
	size_t i;

	for (i = 0; i < ut->nclusters; i++) {
		if ((w = frame_text_width(v->f, ut->clusters[i].region)) >
		    region)
			region = w;
		if ((w = frame_text_width(v->f, ut->clusters[i].name)) >
		    natural)
			natural = w;
	}
	for (i = 0; i < ut->ncluster_errors; i++)
		if ((w = frame_text_width(v->f, ut->cluster_errors[i].region)) >
		    region)
			region = w;
	c->region_w = region < REGION_MAX ? region : REGION_MAX;
	if (natural > CLUSTER_MAX)
		natural = CLUSTER_MAX;
	c->name_w = natural < CLUSTER_FIRST ? natural : CLUSTER_FIRST;
	need = c->region_w + 2 + c->name_w;
	if (need > avail) {
		c->name_w = avail - c->region_w - 2;
		need = avail;
	}
	c->status = c->version = c->endpoint = -1;
	if (need + 2 + STATUS_W <= avail) {
		c->status = 0;
		need += 2 + STATUS_W;
	}
	if (need + 2 + VERSION_W <= avail) {
		c->version = 0;
		need += 2 + VERSION_W;
	}
	if (natural > c->name_w) {
		int grow = avail - need - 2 - ENDPOINT_WANT;

		if (grow > natural - c->name_w)
			grow = natural - c->name_w;
		if (grow > 0) {
			c->name_w += grow;
			need += grow;
		}
	}
	c->endpoint_w = avail - need - 2;
	if (c->endpoint_w >= ENDPOINT_MIN)
		c->endpoint = 0;
	c->region = 4;
	c->name = c->region + c->region_w + 2;
	w = c->name + c->name_w + 2;
	if (c->version == 0) {
		c->version = w;
		w += VERSION_W + 2;
	}
	if (c->status == 0) {
		c->status = w;
		w += STATUS_W + 2;
	}
	if (c->endpoint == 0)
		c->endpoint = w;
}

static enum style
cluster_status_style(const char *status)
{
	if (status == NULL || strcmp(status, "ACTIVE") == 0)
		return STYLE_NORMAL;
	if (strcmp(status, "FAILED") == 0 || strcmp(status, "DELETING") == 0)
		return STYLE_ERROR;
	return STYLE_WARN;
}

static void
cluster_row(struct view *v, int row, const struct cluster_cols *c,
            const struct eks_cluster *cl, bool selected)
{
	const char *ep = cl->endpoint != NULL ? cl->endpoint : "-";
	enum style base = selected ? STYLE_SELECTED : STYLE_NORMAL;

	if (selected) {
		frame_fill(v->f, row, 0, v->cols, base, " ");
		frame_put(v->f, row, 1, base, view_glyphs(v->m)->marker);
	}
	if (strncmp(ep, "https://", 8) == 0)
		ep += 8;
	frame_put_fit(v->f, row, c->region, c->region_w, base, cl->region);
	frame_put_fit(v->f, row, c->name, c->name_w, base, cl->name);
	if (c->version >= 0)
		frame_put_fit(v->f, row, c->version, VERSION_W, base,
		              cl->version != NULL ? cl->version : "-");
	if (c->status >= 0)
		frame_put_fit(v->f, row, c->status, STATUS_W,
		              selected ? base
		                       : cluster_status_style(cl->status),
		              cl->status != NULL ? cl->status : "-");
	if (c->endpoint >= 0)
		frame_put_fit(v->f, row, c->endpoint, c->endpoint_w,
		              selected ? base : STYLE_DIM, ep);
}

static void
cluster_error_row(struct view *v, int row, const struct cluster_cols *c,
                  const struct ui_cluster_error *e)
{
	char *text =
	    xasprintf("%s%s%s", e->code != NULL ? e->code : "",
	              e->code != NULL && e->message != NULL ? ": " : "",
	              e->message != NULL ? e->message : "");

	frame_put_fit(v->f, row, c->region, c->region_w, STYLE_ERROR,
	              e->region);
	frame_put_fit(v->f, row, c->name, v->cols - 1 - c->name, STYLE_ERROR,
	              text);
	free(text);
}

/* One "clusters  ..." line for the states without a table. */
static void
clusters_note(struct view_pane *p, int label, int text_col, enum style st,
              const char *text)
{
	int row = view_pane_line(p);

	if (row < 0)
		return;
	frame_put(p->v->f, row, label, STYLE_DIM, "clusters");
	frame_put_fit(p->v->f, row, text_col, p->v->cols - 1 - text_col, st,
	              text);
}

void
view_clusters(struct view_pane *p, int label, int text_col,
              const struct ui_target *ut)
{
	struct view *v = p->v;
	const struct model *m = v->m;
	const struct target *t = ut->t;
	size_t items = ut->nclusters + ut->ncluster_errors, show, start = 0, i,
	       k;
	struct cluster_cols c;
	char buf[256];
	int row, left = view_pane_left(p) - 1;

	if (items == 0) {
		switch (ut->clusters_state) {
		case UI_IDLE:
			/* Nothing to say about a chain that failed. */
			if (ut->state == UI_FAILED || t->nhops == 0)
				return;
			clusters_note(p, label, text_col, STYLE_DIM,
			              "not looked up yet");
			return;
		case UI_PENDING:
			snprintf(buf, sizeof(buf), "%s discovering%s",
			         view_spinner(m), view_glyphs(m)->dots);
			clusters_note(p, label, text_col, STYLE_SPINNER, buf);
			return;
		default:
			k = (size_t)snprintf(buf, sizeof(buf), "none found");
			for (i = 0; i < t->nregions && k < sizeof(buf); i++)
				k += (size_t)snprintf(buf + k, sizeof(buf) - k,
				                      "%s%s", i ? ", " : " in ",
				                      t->regions[i]);
			clusters_note(p, label, text_col, STYLE_DIM, buf);
			return;
		}
	}
	if (left < 1) {
		if (ut->ncluster_errors > 0)
			snprintf(buf, sizeof(buf), "%zu found, %zu failed",
			         ut->nclusters, ut->ncluster_errors);
		else
			snprintf(buf, sizeof(buf), "%zu found", ut->nclusters);
		clusters_note(p, label, text_col, STYLE_DIM, buf);
		return;
	}
	cluster_columns(v, ut, &c);
	show = items;
	if (show > (size_t)left)
		show = left > 1 ? (size_t)left - 1 : 1;
	if (m->focus == FOCUS_CLUSTERS && m->cluster_sel >= show)
		start = m->cluster_sel - show + 1;
	if (start + show > items)
		start = items - show;
	if ((row = view_pane_line(p)) >= 0) {
		frame_put(v->f, row, c.region, STYLE_HEADER, "REGION");
		frame_put(v->f, row, c.name, STYLE_HEADER, "CLUSTER");
		if (c.version >= 0)
			frame_put(v->f, row, c.version, STYLE_HEADER,
			          "VERSION");
		if (c.status >= 0)
			frame_put(v->f, row, c.status, STYLE_HEADER, "STATUS");
		if (c.endpoint >= 0)
			frame_put(v->f, row, c.endpoint, STYLE_HEADER,
			          "ENDPOINT");
		if (ut->clusters_state == UI_PENDING)
			frame_put(v->f, row, v->cols - 2, STYLE_SPINNER,
			          view_spinner(m));
	}
	for (k = start; k < start + show; k++) {
		if ((row = view_pane_line(p)) < 0)
			break;
		if (k < ut->nclusters)
			cluster_row(v, row, &c, &ut->clusters[k],
			            m->focus == FOCUS_CLUSTERS &&
			                k == m->cluster_sel);
		else
			cluster_error_row(
			    v, row, &c, &ut->cluster_errors[k - ut->nclusters]);
	}
	if (show < items && (row = view_pane_line(p)) >= 0) {
		snprintf(buf, sizeof(buf), "%s %zu more", view_glyphs(m)->dots,
		         items - show);
		frame_put(v->f, row, c.region, STYLE_DIM, buf);
	}
}
