/* Dates for error texts; see time_text.h. */
#include "tls/time_text.h"
#include "tls/format.h"

void iotls_time_text(int64_t t, char *out, size_t len)
{
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t secs = t - days * 86400;
    /* Howard Hinnant's civil_from_days: proleptic Gregorian, exact. */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t day = doy - (153 * mp + 2) / 5 + 1;
    int64_t mon = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = yoe + era * 400 + (mon <= 2);
    if (year < 0 || year > 9999) {
        iotls_format(out, len, "%lld", (long long)t);
        return;
    }
    iotls_format(out, len, "%04d-%02d-%02d %02d:%02d:%02d UTC", (int)year, (int)mon, (int)day,
                 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}
