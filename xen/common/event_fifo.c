/*
 * FIFO event delivery (public/event_channel.h "FIFO ABI"; behaviour of
 * Xen 4.17 xen/common/event_fifo.c; docs/xen-abi.md §A.6 step 5).
 *
 * The guest gives us, per vCPU, a control block {ready, head[16]} and,
 * for the domain, up to 128 event array pages of 1024 32-bit event words
 * each (PENDING, MASKED, LINKED, BUSY and a 17-bit LINK to the next port
 * of the same queue).  Each vCPU has one queue per priority (0 highest,
 * 15 lowest, 7 by default): head[p] in the control block, the tail known
 * only to us.  Raising port P: set PENDING; unless MASKED, set LINKED and
 * append P to the queue of (notified vCPU, the port's priority): link the
 * old tail's word to P, or, if the queue was empty (no tail, or the
 * guest already consumed the tail, which it marks by clearing LINKED),
 * write P into head[p]; then set bit p of ready and raise the upcall.
 *
 * The guest consumes by following the links and clearing LINKED (and
 * LINK) with a compare-exchange; it may also set or clear MASKED and
 * clear PENDING at any time, so every access to an event word here is
 * one atomic operation.  Linking the tail must not race with the guest
 * consuming it: the word is compare-exchanged only while LINKED; if the
 * guest keeps changing it, BUSY is set (Linux's unmask waits while BUSY)
 * and a few more attempts must succeed (Xen's evtchn_fifo_set_link()).
 *
 * A port that was last linked on another queue (its vCPU or priority
 * changed) may still be that queue's tail; that queue's tail is then
 * forgotten before P goes onto the new one, as in Xen, so that a later
 * event on the old queue cannot link behind P on the new one.
 *
 * Locking.  Xen locks each queue; here every queue, tail and port field
 * of a domain is under its evtchn_domain lock, which every caller of the
 * port ops already holds, so the queue-change retry of Xen's
 * evtchn_fifo_set_pending() is not needed.  Guest pages are mapped (with
 * a frame reference, through the map_page hook) with no lock held, then
 * installed under the lock; they are unmapped after detaching them under
 * the lock, at EVTCHNOP_reset and when the domain dies.
 */
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/lib.h>
#include <xen/nospec.h>
#include <xen/string.h>
#include <xen/xmalloc.h>

#define WORDS_PER_PAGE (PAGE_SIZE / sizeof(event_word_t))
#define MAX_ARRAY_PAGES (EVTCHN_FIFO_NR_CHANNELS / WORDS_PER_PAGE)
#define BIT(b) ((event_word_t)1 << EVTCHN_FIFO_##b)
/* Xen's evtchn_fifo_set_link(): attempts while BUSY holds off unmasks
 * (the guest can still mask, unmask-before-BUSY, clear PENDING, unlink). */
#define LINK_TRIES 4

struct fifo_queue {
	u32 tail;			/* 0: empty as far as we know */
};

struct fifo_vcpu {
	struct evtchn_fifo_control_block *cb;	/* NULL until init_control */
	void *cb_page;			/* the mapping cb lies in */
	struct fifo_queue q[EVTCHN_FIFO_MAX_QUEUES];
};

/* All fields: the evtchn_domain's lock. */
struct evtchn_fifo {
	unsigned int nr_words;		/* ports with an event word */
	event_word_t *page[MAX_ARRAY_PAGES];
	struct fifo_vcpu *vcpu[MAX_VIRT_CPUS];	/* every vCPU of the domain */
};

/* Xen's evtchn_fifo_word_from_port(): NULL if its page is missing. */
static event_word_t *word_of(struct evtchn_fifo *f, evtchn_port_t port)
{
	if (port >= f->nr_words)
		return NULL;
	port = array_index_nospec(port, f->nr_words);
	return f->page[port / WORDS_PER_PAGE] + port % WORDS_PER_PAGE;
}

static bool word_test(const event_word_t *w, event_word_t bit)
{
	return __atomic_load_n(w, __ATOMIC_SEQ_CST) & bit;
}

static bool word_test_and_set(event_word_t *w, event_word_t bit)
{
	return __atomic_fetch_or(w, bit, __ATOMIC_SEQ_CST) & bit;
}

static void word_clear(event_word_t *w, event_word_t bit)
{
	__atomic_fetch_and(w, ~bit, __ATOMIC_SEQ_CST);
}

static struct fifo_vcpu *fifo_vcpu(struct evtchn_fifo *f, unsigned int vcpu)
{
	return f->vcpu[array_index_nospec(vcpu, MAX_VIRT_CPUS)];
}

/*
 * Xen's try_set_link(): point *word's LINK at @link iff it is still
 * LINKED, clearing BUSY in the same exchange.  1 linked, 0 not LINKED
 * (the guest consumed it), -EAGAIN the word changed; *w is refreshed.
 */
static int try_set_link(event_word_t *word, event_word_t *w, u32 link)
{
	event_word_t new;

	if (!(*w & BIT(LINKED)))
		return 0;
	new = (*w & ~(BIT(BUSY) | EVTCHN_FIFO_LINK_MASK)) | link;
	if (__atomic_compare_exchange_n(word, w, new, false, __ATOMIC_SEQ_CST,
					__ATOMIC_SEQ_CST))
		return 1;
	return -EAGAIN;
}

/* Xen's evtchn_fifo_set_link(): true if @link now follows the tail.
 * Like Xen, a guest that defeats every attempt gets "linked" (and
 * loses the event) rather than a corrupt queue. */
static bool set_link(event_word_t *word, u32 link)
{
	event_word_t w = __atomic_load_n(word, __ATOMIC_SEQ_CST);
	int ret = try_set_link(word, &w, link);

	if (ret >= 0)
		return ret;
	word_test_and_set(word, BIT(BUSY));	/* holds off the guest's unmask */
	w = __atomic_load_n(word, __ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < LINK_TRIES; i++) {
		ret = try_set_link(word, &w, link);
		if (ret >= 0) {
			if (!ret)
				word_clear(word, BIT(BUSY));
			return ret;
		}
	}
	word_clear(word, BIT(BUSY));
	return true;
}

/* Append @chn (PENDING, newly LINKED) to queue (@vcpu, its priority).
 * Returns whether it went behind a tail (else it is the new head). */
static bool link_port(struct evtchn_fifo *f, unsigned int vcpu,
		      struct evtchn *chn)
{
	struct fifo_vcpu *fv = fifo_vcpu(f, vcpu);
	unsigned int prio = chn->priority;
	struct fifo_queue *q = &fv->q[prio];
	struct fifo_queue *old_q = &fifo_vcpu(f, chn->last_vcpu)->
				    q[chn->last_priority];
	event_word_t *tail;
	bool linked = false;

	/* If it was a tail, that queue is empty now: forget the tail so
	 * no event on it links behind this port on another queue. */
	if (old_q->tail == chn->port)
		old_q->tail = 0;
	chn->last_vcpu = vcpu;
	chn->last_priority = prio;
	if (q->tail && (tail = word_of(f, q->tail)))
		linked = set_link(tail, chn->port);
	if (!linked)
		__atomic_store_n(&fv->cb->head[prio], chn->port, __ATOMIC_SEQ_CST);
	q->tail = chn->port;
	return linked;
}

/* Xen's evtchn_fifo_set_pending(). */
static void set_pending_fifo(struct evtchn_domain *ed, unsigned int vcpu,
			     struct evtchn *chn)
{
	struct evtchn_fifo *f = ed->fifo;
	event_word_t *word = word_of(f, chn->port);
	struct fifo_vcpu *fv = fifo_vcpu(f, vcpu);
	bool newly;

	/* No page yet: raised when expand_array adds it. */
	if (!word) {
		chn->fifo_pending = true;
		return;
	}
	/* No control block: the guest must not unmask before it made one,
	 * so Xen drops the event. */
	if (!fv->cb)
		return;
	newly = !word_test_and_set(word, BIT(PENDING));
	if (!word_test(word, BIT(MASKED)) &&
	    !word_test_and_set(word, BIT(LINKED)) &&
	    !link_port(f, vcpu, chn) &&
	    !(__atomic_fetch_or(&fv->cb->ready, 1U << chn->priority,
				__ATOMIC_SEQ_CST) & (1U << chn->priority)))
		evtchn_mark_upcall(ed, vcpu);
	if (newly && evtchn_hooks.poll_wake)
		evtchn_hooks.poll_wake(ed->d, chn->port);
}

/* No unlinking: the guest skips linked events that are not pending. */
static void clear_pending_fifo(struct evtchn_domain *ed, struct evtchn *chn)
{
	event_word_t *word = word_of(ed->fifo, chn->port);

	if (word)
		word_clear(word, BIT(PENDING));
}

static void unmask_fifo(struct evtchn_domain *ed, struct evtchn *chn)
{
	event_word_t *word = word_of(ed->fifo, chn->port);

	if (!word)
		return;
	word_clear(word, BIT(MASKED));
	if (word_test(word, BIT(PENDING)))
		set_pending_fifo(ed, chn->notify_vcpu, chn);
}

static bool is_pending_fifo(struct evtchn_domain *ed, const struct evtchn *chn)
{
	event_word_t *word = word_of(ed->fifo, chn->port);

	return word && word_test(word, BIT(PENDING));
}

static bool is_busy_fifo(struct evtchn_domain *ed, const struct evtchn *chn)
{
	event_word_t *word = word_of(ed->fifo, chn->port);

	return word && word_test(word, BIT(LINKED));
}

/* Only later events use the new queue; one already linked stays. */
static int set_priority_fifo(struct evtchn_domain *ed, struct evtchn *chn,
			     unsigned int priority)
{
	if (priority > EVTCHN_FIFO_PRIORITY_MIN)
		return -EINVAL;
	chn->priority = priority;
	return 0;
}

static void init_fifo(struct evtchn_domain *ed, struct evtchn *chn)
{
	chn->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
}

static const struct evtchn_port_ops evtchn_port_ops_fifo = {
	.max_ports = EVTCHN_FIFO_NR_CHANNELS,
	.init = init_fifo,
	.set_pending = set_pending_fifo,
	.clear_pending = clear_pending_fifo,
	.unmask = unmask_fifo,
	.is_pending = is_pending_fifo,
	.is_busy = is_busy_fifo,
	.set_priority = set_priority_fifo,
};

/* --- Setting up and tearing down --- */

static struct evtchn_fifo *fifo_alloc(struct domain *d)
{
	struct evtchn_fifo *f = xzalloc(struct evtchn_fifo);
	unsigned int i;

	if (!f)
		return NULL;
	for (i = 0; i < d->max_vcpus && i < MAX_VIRT_CPUS; i++) {
		if (!d->vcpu[i])
			continue;
		f->vcpu[i] = xzalloc(struct fifo_vcpu);
		if (!f->vcpu[i]) {
			evtchn_fifo_free(NULL, f);
			return NULL;
		}
	}
	return f;
}

/* Pre: ed->lock held. */
struct evtchn_fifo *evtchn_fifo_detach(struct evtchn_domain *ed)
{
	struct evtchn_fifo *f = ed->fifo;

	ed->fifo = NULL;
	ed->ops = &evtchn_port_ops_2l;
	return f;
}

/* The pages go back through the hook; @ed may be NULL for a structure
 * that never held any.  Pre: no lock held; @f detached (or never
 * installed). */
void evtchn_fifo_free(struct evtchn_domain *ed, struct evtchn_fifo *f)
{
	unsigned int i;

	if (!f)
		return;
	for (i = 0; i < MAX_ARRAY_PAGES && f->page[i]; i++)
		evtchn_hooks.unmap_page(ed->d, f->page[i]);
	for (i = 0; i < MAX_VIRT_CPUS; i++) {
		if (f->vcpu[i] && f->vcpu[i]->cb_page)
			evtchn_hooks.unmap_page(ed->d, f->vcpu[i]->cb_page);
		xfree(f->vcpu[i]);
	}
	xfree(f);
}

/*
 * Xen's setup_ports(), at the switch from 2-level: bound ports keep their
 * binding; one pending in the 2-level bitmap is raised again once its
 * event array page exists (no page exists yet), and every port gets the
 * default priority.  Pre: ed->lock held.
 */
static void carry_over_ports(struct evtchn_domain *ed)
{
	unsigned int port, n = MIN(ed->valid, EVTCHN_2L_MAX_PORTS);
	struct evtchn *chn;

	for (port = 1; port < n; port++) {
		chn = evtchn_port(ed, port);
		if (evtchn_port_ops_2l.is_pending(ed, chn))
			chn->fifo_pending = true;
		chn->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
	}
}

/*
 * EVTCHNOP_init_control, as Xen's evtchn_fifo_init_control(): in order,
 * -ENOENT for a vCPU that does not exist, -EINVAL for a control block
 * crossing the page or not 8-byte aligned, -ENOMEM, -EINVAL for a frame
 * that is not the domain's writable RAM or a vCPU that has a control
 * block already.  The first success switches the domain to FIFO.
 */
long evtchn_fifo_init_control(struct evtchn_domain *ed,
			      struct evtchn_init_control *op)
{
	struct evtchn_fifo *f = NULL;
	struct fifo_vcpu *fv;
	unsigned long flags;
	void *page;
	u32 vcpu = op->vcpu, offset = op->offset;
	int rc;

	op->link_bits = EVTCHN_FIFO_LINK_BITS;
	if (!evtchn_vcpu_exists(ed, &vcpu))
		return -ENOENT;
	if (offset > PAGE_SIZE - sizeof(struct evtchn_fifo_control_block))
		return -EINVAL;
	offset = array_index_nospec(offset, PAGE_SIZE -
				    sizeof(struct evtchn_fifo_control_block) + 1);
	if (offset & 7)
		return -EINVAL;
	if (!evtchn_hooks.map_page)
		return -ENOSYS;
	/* Validate without the lock (allocating, mapping), then commit. */
	if (!__atomic_load_n(&ed->fifo, __ATOMIC_RELAXED) &&
	    !(f = fifo_alloc(ed->d)))
		return -ENOMEM;
	rc = evtchn_hooks.map_page(ed->d, op->control_gfn, &page);
	if (rc) {
		evtchn_fifo_free(ed, f);
		return rc;
	}

	flags = evtchn_irq_save();
	spin_lock(&ed->lock);
	if (!ed->fifo && f && !ed->dying) {
		ed->fifo = f;
		ed->ops = &evtchn_port_ops_fifo;
		carry_over_ports(ed);
		f = NULL;
	}
	fv = ed->fifo ? fifo_vcpu(ed->fifo, vcpu) : NULL;
	/* A domain that lost a race with reset (or is dying) gets what
	 * a second init_control gets. */
	if (!fv || fv->cb) {
		rc = -EINVAL;
	} else {
		fv->cb_page = page;
		fv->cb = (void *)((uintptr_t)page + offset);
		page = NULL;
	}
	spin_unlock(&ed->lock);
	evtchn_irq_restore(flags);
	if (page)
		evtchn_hooks.unmap_page(ed->d, page);
	evtchn_fifo_free(ed, f);
	return rc;
}

/* Xen's add_page_to_event_array() after the page is mapped: install it,
 * then raise what became pending while it was missing.  Pre: ed->lock. */
static void add_page(struct evtchn_domain *ed, void *page)
{
	struct evtchn_fifo *f = ed->fifo;
	unsigned int port = f->nr_words;
	struct evtchn *chn;

	f->page[port / WORDS_PER_PAGE] = page;
	f->nr_words += WORDS_PER_PAGE;
	for (; port < f->nr_words && port < ed->valid; port++) {
		chn = evtchn_port(ed, port);
		if (chn->fifo_pending) {
			chn->fifo_pending = false;
			set_pending_fifo(ed, chn->notify_vcpu, chn);
		}
	}
}

/* Pre: ed->lock held.  0 if another page fits, else Xen's error. */
static int array_room(struct evtchn_domain *ed)
{
	if (!ed->fifo)
		return -EOPNOTSUPP;
	if (ed->fifo->nr_words >= EVTCHN_FIFO_NR_CHANNELS)
		return -ENOSPC;
	return 0;
}

/* EVTCHNOP_expand_array, as Xen's evtchn_fifo_expand_array(): -EOPNOTSUPP
 * before init_control, -ENOSPC past 128 pages, -EINVAL for a frame that
 * is not the domain's writable RAM. */
long evtchn_fifo_expand_array(struct evtchn_domain *ed,
			      const struct evtchn_expand_array *op)
{
	unsigned long flags;
	void *page;
	int rc;

	flags = evtchn_irq_save();
	spin_lock(&ed->lock);
	rc = array_room(ed);
	spin_unlock(&ed->lock);
	evtchn_irq_restore(flags);
	if (rc)
		return rc;
	rc = evtchn_hooks.map_page(ed->d, op->array_gfn, &page);
	if (rc)
		return rc;

	flags = evtchn_irq_save();
	spin_lock(&ed->lock);
	/* Checked again: another vCPU may have filled the array or reset. */
	rc = array_room(ed);
	if (!rc)
		add_page(ed, page);
	spin_unlock(&ed->lock);
	evtchn_irq_restore(flags);
	if (rc)
		evtchn_hooks.unmap_page(ed->d, page);
	return rc;
}
