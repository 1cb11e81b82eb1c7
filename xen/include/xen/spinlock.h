/*
 * Ticket spinlocks: FIFO, so no CPU starves.  spin_lock_irqsave() is the
 * form to use for locks also taken from interrupt handlers.
 */
#ifndef XEN_SPINLOCK_H
#define XEN_SPINLOCK_H

#include <xen/types.h>
#include <asm/processor.h>

typedef struct spinlock {
	volatile u16 head;	/* ticket being served */
	volatile u16 tail;	/* next ticket to hand out */
} spinlock_t;

#define SPIN_LOCK_UNLOCKED { 0, 0 }
#define DEFINE_SPINLOCK(l) spinlock_t l = SPIN_LOCK_UNLOCKED

static inline void spin_lock_init(spinlock_t *l)
{
	l->head = l->tail = 0;
}

static inline void spin_lock(spinlock_t *l)
{
	u16 me = __atomic_fetch_add(&l->tail, 1, __ATOMIC_ACQUIRE);

	while (__atomic_load_n(&l->head, __ATOMIC_ACQUIRE) != me)
		cpu_relax();
}

static inline bool spin_trylock(spinlock_t *l)
{
	u16 h = __atomic_load_n(&l->head, __ATOMIC_RELAXED);
	/* head is the low half of the word, tail the high half. */
	u32 old = ((u32)h << 16) | h;	/* unlocked: tail == head */
	u32 new = ((u32)(u16)(h + 1) << 16) | h;

	return __atomic_compare_exchange_n((u32 *)l, &old, new, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->head, (u16)(l->head + 1), __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return l->head != l->tail;
}

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
	unsigned long f = local_irq_save();

	spin_lock(l);
	return f;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long f)
{
	spin_unlock(l);
	local_irq_restore(f);
}

#endif
