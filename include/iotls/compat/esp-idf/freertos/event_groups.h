/*
 * freertos/event_groups.h (iotls) — event bits with waiting.
 */
#ifndef IOTLS_ESPIDF_FREERTOS_EVENT_GROUPS_H
#define IOTLS_ESPIDF_FREERTOS_EVENT_GROUPS_H

#include "freertos/FreeRTOS.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iotls_rtos_event_group *EventGroupHandle_t;
typedef uint32_t EventBits_t;

EventGroupHandle_t xEventGroupCreate(void);
EventBits_t xEventGroupSetBits(EventGroupHandle_t g, EventBits_t bits);
EventBits_t xEventGroupClearBits(EventGroupHandle_t g, EventBits_t bits);
EventBits_t xEventGroupGetBits(EventGroupHandle_t g);
EventBits_t xEventGroupWaitBits(EventGroupHandle_t g, EventBits_t bits, BaseType_t clear_on_exit,
                                BaseType_t wait_for_all, TickType_t ticks);
void vEventGroupDelete(EventGroupHandle_t g);
#define xEventGroupSetBitsFromISR(g, bits, woken) xEventGroupSetBits(g, bits)

#ifdef __cplusplus
}
#endif
#endif
