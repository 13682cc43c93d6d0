/*
 * gif.c - the run's windows as one animated file (activity.gif): the same
 * frames as activity-HHMM.png, drawn by png.c, encoded with giflib.
 *
 * Why GIF: Debian 12's libpng (1.6.39) has no APNG support (no
 * png_set_acTL), and an animated GIF plays everywhere (browsers, image
 * viewers, slides). GIF has 256 colours per frame: one global palette of
 * 255 colours, 253 chosen by giflib's median cut (GifQuantizeBuffer) on a
 * sample of five frames (every other pixel and row) plus exact white and
 * near-black (paper and text); the 256th index is transparent. Every
 * frame is mapped to that palette (nearest colour, by 5 bits per channel
 * through a 32 768-entry cache), so a colour that does not change between
 * frames keeps its index; each frame after the first stores only the
 * rectangle that changed, with the unchanged pixels in it transparent
 * (disposal "do not dispose"), which is what keeps a day of 96 frames
 * small: title, legend, outlines and most cells stay.
 * The file loops forever (NETSCAPE2.0 application extension).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gif_lib.h>

#include "activity/activity_int.h"

#define NCOL 255         /* palette colours; index 255 is transparent */
#define TRANSPARENT 255

typedef struct pal {
    GifColorType c[256];
    int n;
    int16_t lut[32768];  /* 5:5:5 RGB -> index, -1 not yet known */
} pal;

static int nearest(const pal *p, int r, int g, int b)
{
    int best = 0;
    long bd = LONG_MAX;
    for (int i = 0; i < p->n; i++) {
        long dr = r - p->c[i].Red, dg = g - p->c[i].Green,
             db = b - p->c[i].Blue;
        long d = 2 * dr * dr + 4 * dg * dg + 3 * db * db;
        if (d < bd) {
            bd = d;
            best = i;
        }
    }
    return best;
}

/* The frame's pixels as palette indices (w * h bytes). */
static void map_frame(pal *p, cairo_surface_t *sf, unsigned char *out)
{
    int w = cairo_image_surface_get_width(sf);
    int h = cairo_image_surface_get_height(sf);
    int stride = cairo_image_surface_get_stride(sf);
    const unsigned char *d = cairo_image_surface_get_data(sf);
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(d +
                                                     (size_t)y * stride);
        for (int x = 0; x < w; x++) {
            uint32_t v = row[x];
            int r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255;
            int k = (r >> 3) << 10 | (g >> 3) << 5 | (b >> 3);
            if (p->lut[k] < 0)
                p->lut[k] = (int16_t)nearest(p, (r & ~7) | 4, (g & ~7) | 4,
                                             (b & ~7) | 4);
            out[(size_t)y * w + x] = (unsigned char)p->lut[k];
        }
    }
}

/* The palette: median cut over every other pixel of a few frames. */
static int make_palette(const ln__act *a, const char *path,
                        const char *title, int width_px, pal *p,
                        ln_diag *diag)
{
    long pick[5] = {0, a->nwin / 4, a->nwin / 2, 3 * a->nwin / 4,
                    a->nwin - 1};
    unsigned char *rgb = NULL, *idx = NULL;
    size_t sw = 0, sh = 0, n = 0;
    int rc = 0;
    for (int f = 0; f < 5 && !rc; f++) {
        cairo_surface_t *sf;
        rc = ln__act_draw(a, path, title, width_px, pick[f], &sf, diag);
        if (rc)
            break;
        int w = cairo_image_surface_get_width(sf);
        int h = cairo_image_surface_get_height(sf);
        int stride = cairo_image_surface_get_stride(sf);
        const unsigned char *d = cairo_image_surface_get_data(sf);
        if (!rgb) {
            sw = (size_t)(w + 1) / 2;
            sh = (size_t)(h + 1) / 2;
            n = sw * sh;
            rgb = ln_malloc(3 * 5 * n);
            if (!rgb) {
                cairo_surface_destroy(sf);
                rc = LN_ENOMEM;
                break;
            }
        }
        unsigned char *R = rgb, *G = rgb + 5 * n, *B = rgb + 10 * n;
        size_t o = (size_t)f * n;
        for (size_t y = 0; y < sh; y++) {
            const uint32_t *row = (const uint32_t *)(const void *)(
                d + 2 * y * (size_t)stride);
            for (size_t x = 0; x < sw; x++, o++) {
                uint32_t v = row[2 * x];
                R[o] = (unsigned char)(v >> 16);
                G[o] = (unsigned char)(v >> 8);
                B[o] = (unsigned char)v;
            }
        }
        cairo_surface_destroy(sf);
    }
    if (!rc) {
        idx = ln_malloc(5 * n);
        if (!idx)
            rc = LN_ENOMEM;
    }
    if (!rc) {
        /* LN-DEV: median cut averages each box, so the most common
         * colours (white paper, near-black text) come out tinted; they
         * are added exactly, after 253 chosen ones */
        int size = NCOL - 2;
        if (GifQuantizeBuffer((unsigned)sw, (unsigned)(5 * sh), &size, rgb,
                              rgb + 5 * n, rgb + 10 * n, idx,
                              p->c) == GIF_ERROR)
            rc = ln_diag_set(diag, LN_EINVAL, path, 0, 0, NULL,
                             "cannot choose the GIF palette");
        p->c[size++] = (GifColorType){255, 255, 255};
        p->c[size++] = (GifColorType){20, 20, 20};
        p->n = size;
    }
    ln_free(rgb);
    ln_free(idx);
    if (rc == LN_ENOMEM)
        ln_diag_set(diag, rc, path, 0, 0, NULL, "out of memory");
    memset(p->lut, 0xff, sizeof p->lut);
    return rc;
}

static int gif_fail(GifFileType *g, const char *path, ln_diag *diag)
{
    int err = g ? g->Error : 0;
    if (g)
        EGifCloseFile(g, NULL);
    return ln_diag_set(diag, LN_EIO, path, 0, 0, NULL, "cannot write: %s",
                       GifErrorString(err));
}

/* Writes rows [y0, y1) x [x0, x1) of idx (width w) as one image. */
static int put_rect(GifFileType *g, const unsigned char *idx, int w, int x0,
                    int y0, int x1, int y1)
{
    if (EGifPutImageDesc(g, x0, y0, x1 - x0, y1 - y0, false, NULL) ==
        GIF_ERROR)
        return -1;
    for (int y = y0; y < y1; y++)
        if (EGifPutLine(g, (GifPixelType *)(idx + (size_t)y * w + x0),
                        x1 - x0) == GIF_ERROR)
            return -1;
    return 0;
}

static int put_gcb(GifFileType *g, int delay_cs, int transparent)
{
    GraphicsControlBlock gcb = {DISPOSE_DO_NOT, false, delay_cs,
                                transparent};
    GifByteType ext[4];
    size_t n = EGifGCBToExtension(&gcb, ext);
    return EGifPutExtension(g, GRAPHICS_EXT_FUNC_CODE, (int)n, ext) ==
                   GIF_ERROR
               ? -1
               : 0;
}

/* Creates path (0666 less the umask) as a looping GIF of w x h with
 * p's palette: *g open, or an error (nothing open). */
static int gif_open(const char *path, int w, int h, const pal *p,
                    GifFileType **g, ln_diag *diag)
{
    *g = NULL;
    int err = 0;
    ColorMapObject *cm = GifMakeMapObject(256, NULL);
    if (!cm)
        return ln_diag_set(diag, LN_ENOMEM, path, 0, 0, NULL,
                           "out of memory");
    memset(cm->Colors, 0, 256 * sizeof *cm->Colors);
    memcpy(cm->Colors, p->c, (size_t)p->n * sizeof *p->c);
    /* giflib would create the file 0600: open it ourselves */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
                            O_CLOEXEC, 0666);
    GifFileType *gf = fd >= 0 ? EGifOpenFileHandle(fd, &err) : NULL;
    if (!gf && fd >= 0)
        close(fd);
    if (!gf) {
        GifFreeMapObject(cm);
        return ln_diag_set(diag, LN_EIO, path, 0, 0, NULL,
                           "cannot create: %s",
                           fd < 0 ? strerror(errno) : GifErrorString(err));
    }
    EGifSetGifVersion(gf, true);
    static const unsigned char loop[3] = {1, 0, 0}; /* forever */
    int bad = EGifPutScreenDesc(gf, w, h, 8, 0, cm) == GIF_ERROR ||
              EGifPutExtensionLeader(gf, APPLICATION_EXT_FUNC_CODE) ==
                  GIF_ERROR ||
              EGifPutExtensionBlock(gf, 11, "NETSCAPE2.0") == GIF_ERROR ||
              EGifPutExtensionBlock(gf, 3, loop) == GIF_ERROR ||
              EGifPutExtensionTrailer(gf) == GIF_ERROR;
    GifFreeMapObject(cm);
    if (bad)
        return gif_fail(gf, path, diag);
    *g = gf;
    return 0;
}

int ln__act_write_gif(const ln__act *a, const char *path, const char *title,
                      int width_px, int every, int delay_cs, ln_diag *diag)
{
    if (every < 1)
        every = 1;
    pal *p = ln_malloc(sizeof *p);
    if (!p)
        return ln_diag_set(diag, LN_ENOMEM, path, 0, 0, NULL,
                           "out of memory");
    int rc = make_palette(a, path, title, width_px, p, diag);
    if (rc) {
        ln_free(p);
        return rc;
    }
    unsigned char *cur = NULL, *prev = NULL;
    GifFileType *g = NULL;
    int w = 0, h = 0;
    for (long win = 0; win < a->nwin && !rc; win += every) {
        cairo_surface_t *sf;
        if (ln_cancel_requested()) {
            rc = ln_diag_set(diag, LN_EIO, path, 0, 0, NULL,
                             "interrupted by a signal");
            break;
        }
        rc = ln__act_draw(a, path, title, width_px, win, &sf, diag);
        if (rc)
            break;
        if (!g) {
            w = cairo_image_surface_get_width(sf);
            h = cairo_image_surface_get_height(sf);
            cur = ln_malloc((size_t)w * h);
            prev = ln_malloc((size_t)w * h);
            if (!cur || !prev)
                rc = ln_diag_set(diag, LN_ENOMEM, path, 0, 0, NULL,
                                 "out of memory");
            else
                rc = gif_open(path, w, h, p, &g, diag);
            if (rc) {
                cairo_surface_destroy(sf);
                break;
            }
            map_frame(p, sf, cur);
            cairo_surface_destroy(sf);
            if (put_gcb(g, delay_cs, NO_TRANSPARENT_COLOR) ||
                put_rect(g, cur, w, 0, 0, w, h)) {
                rc = gif_fail(g, path, diag);
                g = NULL;
            }
            unsigned char *t = prev;
            prev = cur;
            cur = t;
            continue;
        }
        if (cairo_image_surface_get_width(sf) != w ||
            cairo_image_surface_get_height(sf) != h) {
            cairo_surface_destroy(sf);
            rc = ln_diag_set(diag, LN_EINVAL, path, 0, 0, NULL,
                             "frames of different sizes");
            break;
        }
        map_frame(p, sf, cur);
        cairo_surface_destroy(sf);
        /* the changed rectangle; unchanged pixels in it transparent */
        int x0 = w, y0 = h, x1 = 0, y1 = 0;
        for (int y = 0; y < h; y++) {
            const unsigned char *c = cur + (size_t)y * w,
                                *q = prev + (size_t)y * w;
            for (int x = 0; x < w; x++)
                if (c[x] != q[x]) {
                    if (x < x0)
                        x0 = x;
                    if (x >= x1)
                        x1 = x + 1;
                    if (y < y0)
                        y0 = y;
                    y1 = y + 1;
                }
        }
        if (x1 == 0) /* nothing changed: one transparent pixel */
            x0 = y0 = 0, x1 = y1 = 1;
        /* prev becomes this frame; cur gets the transparent version */
        for (int y = y0; y < y1; y++) {
            unsigned char *c = cur + (size_t)y * w, *q = prev + (size_t)y * w;
            for (int x = x0; x < x1; x++) {
                unsigned char v = c[x];
                c[x] = v == q[x] ? TRANSPARENT : v;
                q[x] = v;
            }
        }
        if (put_gcb(g, delay_cs, TRANSPARENT) ||
            put_rect(g, cur, w, x0, y0, x1, y1)) {
            rc = gif_fail(g, path, diag);
            g = NULL;
        }
    }
    if (g) {
        int err = 0;
        if (EGifCloseFile(g, &err) == GIF_ERROR && !rc)
            rc = ln_diag_set(diag, LN_EIO, path, 0, 0, NULL,
                             "cannot write: %s", GifErrorString(err));
    }
    ln_free(cur);
    ln_free(prev);
    ln_free(p);
    return rc;
}
