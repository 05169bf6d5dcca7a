/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2021 The ringbuf authors. All rights reserved.
 *
 * A fixed-size byte ring buffer for one producer and one consumer.
 * The capacity must be a power of two.
 */
#ifndef RINGBUF_H
#define RINGBUF_H

#include <stddef.h>
#include <stdint.h>

struct ringbuf {
	uint8_t *data;
	size_t mask;  /* capacity - 1 */
	size_t head;  /* next write position, grows without bound */
	size_t tail;  /* next read position, grows without bound */
};

/* Returns 0 on success, -1 if capacity is not a power of two. */
int ringbuf_init(struct ringbuf *rb, uint8_t *storage, size_t capacity);

size_t ringbuf_used(const struct ringbuf *rb);
size_t ringbuf_free(const struct ringbuf *rb);

/* Copies up to len bytes; returns the number of bytes copied. */
size_t ringbuf_write(struct ringbuf *rb, const void *src, size_t len);
size_t ringbuf_read(struct ringbuf *rb, void *dst, size_t len);

#endif /* RINGBUF_H */
