# `cmake --install` and the Debian package (`cpack -G DEB`, or the `package`
# target): the binary, the man pages, the shell completions and the licence,
# where Debian's bash-completion, zsh and fish look for them.
include(GNUInstallDirs)

install(TARGETS contraband RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES man/contraband.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
# The catalog format's page, once the catalog work adds it.
if(EXISTS "${CMAKE_SOURCE_DIR}/man/contraband-catalog.5")
  install(FILES man/contraband-catalog.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
endif()
install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The completion scripts are printed by the binary being installed
# (`contraband completions SHELL`, from its own option definitions), at
# install time: whatever targets were built, the scripts match the binary.
install(CODE "set(CONTRABAND_BUILT_BINARY \"$<TARGET_FILE:contraband>\")
set(CONTRABAND_COMPLETIONS_WORK \"${CMAKE_BINARY_DIR}/completions\")
set(CONTRABAND_DATADIR \"${CMAKE_INSTALL_DATADIR}\")")
install(SCRIPT "${CMAKE_SOURCE_DIR}/cmake/install_completions.cmake")

# The package. The release binary is static (CONTRABAND_STATIC), so the
# package depends on nothing; a binary linked to shared libraries gets its
# dependencies from dpkg-shlibdeps instead.
set(CONTRABAND_PACKAGE_MAINTAINER
    "The contraband maintainers <maintainers@contraband.invalid>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_PACKAGE_NAME contraband)
set(CPACK_PACKAGE_VENDOR "The contraband maintainers")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "find banned software in a live system, a folder, an archive or a disk image")
set(CPACK_RESOURCE_FILE_LICENSE "${CMAKE_SOURCE_DIR}/LICENSE")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_PACKAGE_NAME contraband)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CONTRABAND_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The extended description; CPack puts the summary above it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "contraband audits a live host or seized evidence (folders, archives, raw,
E01, VMDK, VHD/VHDX and QCOW2 disk images with their partitions, LVM, LUKS,
BitLocker and file systems) for software that laws and policies ban, such
as Kaspersky, TikTok or WeChat, on Linux, Windows, macOS, iOS and Android
records. It reports in text, JSON, CSV, SARIF, ECS, CycloneDX or HTML with
an exit code scripts can trust.")
execute_process(COMMAND dpkg --print-architecture
                OUTPUT_VARIABLE CONTRABAND_DEB_ARCH
                OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(CONTRABAND_DEB_ARCH)
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${CONTRABAND_DEB_ARCH})
endif()
if(NOT CONTRABAND_STATIC)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()
include(CPack)
