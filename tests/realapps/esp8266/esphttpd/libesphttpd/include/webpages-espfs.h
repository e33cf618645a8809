extern char webpages_espfs_start[];
extern char webpages_espfs_end[];
extern int webpages_espfs_size;
