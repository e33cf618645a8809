/*
 * queue.h — the BSD list macros the ESP8266 SDK ships (iotls compat), used
 * by user_interface.h (struct bss_info) and by applications. Written for
 * iotls: singly linked lists (SLIST) and tail queues (STAILQ).
 */
#ifndef IOTLS_COMPAT_ESP8266_QUEUE_H
#define IOTLS_COMPAT_ESP8266_QUEUE_H

#include <stddef.h>

#define SLIST_HEAD(name, type)                                                                     \
    struct name {                                                                                  \
        struct type *slh_first;                                                                    \
    }
#define SLIST_HEAD_INITIALIZER(head)                                                               \
    {                                                                                              \
        NULL                                                                                       \
    }
#define SLIST_ENTRY(type)                                                                          \
    struct {                                                                                       \
        struct type *sle_next;                                                                     \
    }
#define SLIST_FIRST(head) ((head)->slh_first)
#define SLIST_EMPTY(head) ((head)->slh_first == NULL)
#define SLIST_NEXT(elm, field) ((elm)->field.sle_next)
#define SLIST_INIT(head) ((head)->slh_first = NULL)
#define SLIST_FOREACH(var, head, field)                                                            \
    for ((var) = SLIST_FIRST(head); (var); (var) = SLIST_NEXT(var, field))
#define SLIST_INSERT_HEAD(head, elm, field)                                                        \
    do {                                                                                           \
        (elm)->field.sle_next = (head)->slh_first;                                                 \
        (head)->slh_first = (elm);                                                                 \
    } while (0)
#define SLIST_INSERT_AFTER(slistelm, elm, field)                                                   \
    do {                                                                                           \
        (elm)->field.sle_next = (slistelm)->field.sle_next;                                        \
        (slistelm)->field.sle_next = (elm);                                                        \
    } while (0)
#define SLIST_REMOVE_HEAD(head, field) ((head)->slh_first = (head)->slh_first->field.sle_next)
#define SLIST_REMOVE(head, elm, type, field)                                                       \
    do {                                                                                           \
        if ((head)->slh_first == (elm)) {                                                          \
            SLIST_REMOVE_HEAD((head), field);                                                      \
        } else {                                                                                   \
            struct type *curelm = (head)->slh_first;                                               \
            while (curelm->field.sle_next != (elm))                                                \
                curelm = curelm->field.sle_next;                                                   \
            curelm->field.sle_next = curelm->field.sle_next->field.sle_next;                       \
        }                                                                                          \
    } while (0)

#define STAILQ_HEAD(name, type)                                                                    \
    struct name {                                                                                  \
        struct type *stqh_first;                                                                   \
        struct type **stqh_last;                                                                   \
    }
#define STAILQ_HEAD_INITIALIZER(head)                                                              \
    {                                                                                              \
        NULL, &(head).stqh_first                                                                   \
    }
#define STAILQ_ENTRY(type)                                                                         \
    struct {                                                                                       \
        struct type *stqe_next;                                                                    \
    }
#define STAILQ_FIRST(head) ((head)->stqh_first)
#define STAILQ_EMPTY(head) ((head)->stqh_first == NULL)
#define STAILQ_NEXT(elm, field) ((elm)->field.stqe_next)
#define STAILQ_INIT(head)                                                                          \
    do {                                                                                           \
        (head)->stqh_first = NULL;                                                                 \
        (head)->stqh_last = &(head)->stqh_first;                                                   \
    } while (0)
#define STAILQ_FOREACH(var, head, field)                                                           \
    for ((var) = STAILQ_FIRST(head); (var); (var) = STAILQ_NEXT(var, field))
#define STAILQ_INSERT_HEAD(head, elm, field)                                                       \
    do {                                                                                           \
        if (((elm)->field.stqe_next = (head)->stqh_first) == NULL)                                 \
            (head)->stqh_last = &(elm)->field.stqe_next;                                           \
        (head)->stqh_first = (elm);                                                                \
    } while (0)
#define STAILQ_INSERT_TAIL(head, elm, field)                                                       \
    do {                                                                                           \
        (elm)->field.stqe_next = NULL;                                                             \
        *(head)->stqh_last = (elm);                                                                \
        (head)->stqh_last = &(elm)->field.stqe_next;                                               \
    } while (0)
#define STAILQ_REMOVE_HEAD(head, field)                                                            \
    do {                                                                                           \
        if (((head)->stqh_first = (head)->stqh_first->field.stqe_next) == NULL)                    \
            (head)->stqh_last = &(head)->stqh_first;                                               \
    } while (0)

#endif
