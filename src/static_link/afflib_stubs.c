/* Stand-ins for the nine libafflib functions libtsk.a calls, linked only into
 * the static binary. libafflib.a pulls in curl and expat, which cannot be
 * linked statically here (DESIGN.md, "Building one static binary"), and the
 * AFF image format is obsolete: every stand-in fails, so TSK reports an AFF
 * image as a format it cannot open and reads every other kind as usual. */
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct _AFFILE AFFILE;

int af_identify_file_type(const char* filename, int exists) {
  (void)filename;
  (void)exists;
  return -1; /* AF_IDENTIFY_ERR: not an AFF file */
}
AFFILE* af_open(const char* filename, int flags, int mode) {
  (void)filename;
  (void)flags;
  (void)mode;
  return NULL;
}
int af_close(AFFILE* af) {
  (void)af;
  return -1;
}
int af_eof(AFFILE* af) {
  (void)af;
  return 1;
}
int64_t af_get_imagesize(AFFILE* af) {
  (void)af;
  return -1;
}
int af_get_seg(AFFILE* af, const char* name, uint32_t* arg,
               unsigned char* data, size_t* datalen) {
  (void)af;
  (void)name;
  (void)arg;
  (void)data;
  (void)datalen;
  return -1;
}
ssize_t af_read(AFFILE* af, unsigned char* buf, ssize_t count) {
  (void)af;
  (void)buf;
  (void)count;
  return -1;
}
uint64_t af_seek(AFFILE* af, int64_t pos, int whence) {
  (void)af;
  (void)pos;
  (void)whence;
  return (uint64_t)-1;
}
int af_cannot_decrypt(AFFILE* af) {
  (void)af;
  return 1;
}
