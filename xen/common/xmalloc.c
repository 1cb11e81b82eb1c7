/*
 * Small-object allocator.
 *
 * Design note.
 *
 * Requests up to XMALLOC_MAX_SLAB bytes are rounded up to a size class and
 * served from one-page slabs.  A slab page opens with a 64-byte header
 * (struct xmalloc_slab) followed by equal objects; a bitmap in the header
 * says which objects are live, so xfree() can reject double frees and
 * pointers that are not object starts.  Slabs with at least one free object
 * sit on their class's partial list; a full slab is on no list; a slab that
 * becomes empty goes straight back to the page allocator, so a quiet system
 * holds no idle xmalloc pages.
 *
 * The classes are multiples of 16 (the alignment we promise) picked so that
 * the 4032 usable bytes divide well, e.g. 1008 = 4032 / 4 serves a 1 KiB-ish
 * request four to a page where 1024 would fit only three.  The largest,
 * 2016, is two to a page.
 *
 * Larger requests take 2^order pages from alloc_pages() and put a 16-byte
 * header (struct xmalloc_large, recording the order) in front of the data.
 * Note the cost: a request of exactly PAGE_SIZE needs two pages; callers
 * that want whole pages should use alloc_pages() directly.
 *
 * xfree() finds the header by rounding the pointer down to its page: data
 * of a large allocation is always at offset 16 of its first page, while
 * slab objects never start before offset 64, so the offset and the magic
 * together say which kind of header to expect.
 */
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <xen/xmalloc.h>

#define XMALLOC_SLAB_MAGIC	0x736c6162U	/* "slab" */
#define XMALLOC_LARGE_MAGIC	0x6c617267U	/* "larg" */
#define XMALLOC_SLAB_HDR	64
#define XMALLOC_LARGE_HDR	16
#define XMALLOC_MAX_OBJS	((PAGE_SIZE - XMALLOC_SLAB_HDR) / XMALLOC_ALIGN)
#define XMALLOC_MAP_WORDS	((XMALLOC_MAX_OBJS + 63) / 64)

struct xmalloc_slab {
	u32 magic;
	u16 class;
	u16 inuse;			/* live objects */
	struct xmalloc_slab *next, *prev; /* class partial list, if partial */
	u64 live[XMALLOC_MAP_WORDS];	/* bit set: object live or absent */
};

struct xmalloc_large {
	u32 magic;
	u32 order;
	u64 size;			/* as requested, for the counters */
};

BUILD_BUG_ON(sizeof(struct xmalloc_slab) > XMALLOC_SLAB_HDR);
BUILD_BUG_ON(sizeof(struct xmalloc_large) != XMALLOC_LARGE_HDR);
BUILD_BUG_ON(XMALLOC_SLAB_HDR % XMALLOC_ALIGN);

static const u16 xmalloc_class_size[] = {
	16, 32, 48, 64, 96, 128, 192, 256, 336, 448, 576, 800, 1008, 1344, 2016,
};

#define XMALLOC_NR_CLASSES	ARRAY_SIZE(xmalloc_class_size)
#define XMALLOC_MAX_SLAB	2016

/* All below protected by xmalloc_lock(). */
static struct xmalloc_slab *xmalloc_partial[XMALLOC_NR_CLASSES];
static unsigned long xmalloc_bytes_live, xmalloc_objects_live;

__attribute__((weak)) void xmalloc_lock(void)
{
}

__attribute__((weak)) void xmalloc_unlock(void)
{
}

static inline unsigned int xmalloc_nr_objs(unsigned int class)
{
	return (PAGE_SIZE - XMALLOC_SLAB_HDR) / xmalloc_class_size[class];
}

static unsigned int xmalloc_class_of(size_t size)
{
	unsigned int c = 0;

	while (xmalloc_class_size[c] < size)
		c++;
	return c;
}

static void xmalloc_list_add(struct xmalloc_slab *s)
{
	s->prev = NULL;
	s->next = xmalloc_partial[s->class];
	if (s->next)
		s->next->prev = s;
	xmalloc_partial[s->class] = s;
}

static void xmalloc_list_del(struct xmalloc_slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		xmalloc_partial[s->class] = s->next;
	if (s->next)
		s->next->prev = s->prev;
}

/* Pre: xmalloc_lock held.  A fresh empty slab, on its partial list. */
static struct xmalloc_slab *xmalloc_new_slab(unsigned int class)
{
	struct xmalloc_slab *s = alloc_page();
	unsigned int i, n = xmalloc_nr_objs(class);

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->magic = XMALLOC_SLAB_MAGIC;
	s->class = class;
	/* Slots past the last object count as live, so never handed out. */
	for (i = n; i < XMALLOC_MAP_WORDS * 64; i++)
		s->live[i / 64] |= 1ULL << (i % 64);
	xmalloc_list_add(s);
	return s;
}

static void *xmalloc_slab_alloc(unsigned int class)
{
	struct xmalloc_slab *s;
	unsigned int w, idx;
	void *p = NULL;

	xmalloc_lock();
	s = xmalloc_partial[class];
	if (!s)
		s = xmalloc_new_slab(class);
	if (s) {
		for (w = 0; ~s->live[w] == 0; w++)
			;	/* a partial slab has a clear bit */
		idx = w * 64 + __builtin_ctzll(~s->live[w]);
		s->live[w] |= 1ULL << (idx % 64);
		if (++s->inuse == xmalloc_nr_objs(class))
			xmalloc_list_del(s);
		xmalloc_bytes_live += xmalloc_class_size[class];
		xmalloc_objects_live++;
		p = (char *)s + XMALLOC_SLAB_HDR +
		    (size_t)idx * xmalloc_class_size[class];
	}
	xmalloc_unlock();
	return p;
}

static void *xmalloc_large_alloc(size_t size)
{
	struct xmalloc_large *h;
	unsigned int order;

	if (size > (PAGE_SIZE << PAGE_ALLOC_MAX_ORDER) - XMALLOC_LARGE_HDR)
		return NULL;
	order = page_alloc_order_of_bytes(size + XMALLOC_LARGE_HDR);
	h = alloc_pages(order);
	if (!h)
		return NULL;
	h->magic = XMALLOC_LARGE_MAGIC;
	h->order = order;
	h->size = size;

	xmalloc_lock();
	xmalloc_bytes_live += size;
	xmalloc_objects_live++;
	xmalloc_unlock();
	return (char *)h + XMALLOC_LARGE_HDR;
}

void *xmalloc_bytes(size_t size)
{
	if (size > XMALLOC_MAX_SLAB)
		return xmalloc_large_alloc(size);
	return xmalloc_slab_alloc(xmalloc_class_of(size));
}

void *xzalloc_bytes(size_t size)
{
	void *p = xmalloc_bytes(size);

	if (p)
		memset(p, 0, size);
	return p;
}

static void xmalloc_large_free(struct xmalloc_large *h)
{
	unsigned int order = h->order;

	xmalloc_lock();
	xmalloc_bytes_live -= h->size;
	xmalloc_objects_live--;
	xmalloc_unlock();
	/* A second xfree() of this pointer then fails the magic check. */
	h->magic = 0;
	free_pages(h, order);
}

static void xmalloc_slab_free(struct xmalloc_slab *s, size_t off)
{
	unsigned int size, idx;

	BUG_ON(s->magic != XMALLOC_SLAB_MAGIC);
	BUG_ON(s->class >= XMALLOC_NR_CLASSES);
	size = xmalloc_class_size[s->class];
	BUG_ON(off < XMALLOC_SLAB_HDR || (off - XMALLOC_SLAB_HDR) % size);
	idx = (off - XMALLOC_SLAB_HDR) / size;
	BUG_ON(idx >= xmalloc_nr_objs(s->class));

	xmalloc_lock();
	/* Double free, or a pointer into a slot never handed out. */
	BUG_ON(!(s->live[idx / 64] & (1ULL << (idx % 64))));
	s->live[idx / 64] &= ~(1ULL << (idx % 64));
	if (s->inuse-- == xmalloc_nr_objs(s->class))
		xmalloc_list_add(s);	/* was full: partial again */
	xmalloc_bytes_live -= size;
	xmalloc_objects_live--;
	if (s->inuse == 0) {
		xmalloc_list_del(s);
		s->magic = 0;
		free_page(s);
	}
	xmalloc_unlock();
}

void xfree(void *p)
{
	uintptr_t page = ROUNDDOWN((uintptr_t)p, PAGE_SIZE);
	size_t off = (uintptr_t)p - page;
	struct xmalloc_large *h = (struct xmalloc_large *)page;

	if (!p)
		return;
	BUG_ON(!IS_ALIGNED(off, XMALLOC_ALIGN));
	if (off == XMALLOC_LARGE_HDR && h->magic == XMALLOC_LARGE_MAGIC)
		xmalloc_large_free(h);
	else
		xmalloc_slab_free((struct xmalloc_slab *)page, off);
}

unsigned long xmalloc_used_bytes(void)
{
	return xmalloc_bytes_live;
}

unsigned long xmalloc_used_objects(void)
{
	return xmalloc_objects_live;
}
