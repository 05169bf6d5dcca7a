/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2021 The ringbuf authors. All rights reserved.
 * Author: Marta Kowalczyk <marta.kowalczyk@fastmail.example>
 */
#include "ringbuf.h"

#include <string.h>

int ringbuf_init(struct ringbuf *rb, uint8_t *storage, size_t capacity)
{
	if (capacity == 0 || (capacity & (capacity - 1)) != 0)
		return -1;
	rb->data = storage;
	rb->mask = capacity - 1;
	rb->head = 0;
	rb->tail = 0;
	return 0;
}

size_t ringbuf_used(const struct ringbuf *rb)
{
	return rb->head - rb->tail;
}

size_t ringbuf_free(const struct ringbuf *rb)
{
	return rb->mask + 1 - ringbuf_used(rb);
}

size_t ringbuf_write(struct ringbuf *rb, const void *src, size_t len)
{
	size_t n = len < ringbuf_free(rb) ? len : ringbuf_free(rb);
	size_t off = rb->head & rb->mask;
	size_t first = n < rb->mask + 1 - off ? n : rb->mask + 1 - off;

	if (n == 0)
		return 0; /* src may be NULL when len is 0 */
	memcpy(rb->data + off, src, first);
	memcpy(rb->data, (const uint8_t *)src + first, n - first);
	rb->head += n;
	return n;
}

size_t ringbuf_read(struct ringbuf *rb, void *dst, size_t len)
{
	size_t n = len < ringbuf_used(rb) ? len : ringbuf_used(rb);
	size_t off = rb->tail & rb->mask;
	size_t first = n < rb->mask + 1 - off ? n : rb->mask + 1 - off;

	memcpy(dst, rb->data + off, first);
	memcpy((uint8_t *)dst + first, rb->data, n - first);
	rb->tail += n;
	return n;
}
