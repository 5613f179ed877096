# Install rules for the appliance (systemd unit, sysusers, configuration, man pages) and the
# Debian package (CPack DEB). Included by the top CMakeLists.txt; scripts/package.sh builds the
# .deb. The binaries' own install() rules are in daemon/main/CMakeLists.txt (ikegwd in sbin,
# ikegwctl in bin: `ikegwctl check` is for everyone, the rest needs root or the ikegw user).
# Paths as Debian 12 has them: units in /lib/systemd/system, sysusers in /usr/lib/sysusers.d.
set(pkg_src ${CMAKE_CURRENT_LIST_DIR})
set(IKEGW_UNITDIR /lib/systemd/system CACHE PATH "where the systemd units are installed")

install(FILES ${pkg_src}/ikegwd.service DESTINATION ${IKEGW_UNITDIR})
# Written in parallel with this file (issue 6, metrics): installed when present.
foreach(unit ikegw-metrics.service ikegw-metrics.timer)
	if(EXISTS ${pkg_src}/${unit})
		install(FILES ${pkg_src}/${unit} DESTINATION ${IKEGW_UNITDIR})
	endif()
endforeach()
install(FILES ${pkg_src}/ikegw.sysusers DESTINATION lib/sysusers.d RENAME ikegw.conf)
# The conffile: no tunnel, so that the service starts cleanly after installation.
install(FILES ${pkg_src}/ikegw.conf DESTINATION /etc/ikegw PERMISSIONS OWNER_READ OWNER_WRITE
	GROUP_READ WORLD_READ)
install(FILES ${pkg_src}/ikegw.conf.example DESTINATION share/doc/ikegw/examples)
# The operator's documents the man pages point to.
install(FILES ${pkg_src}/../docs/journal-catalog.md ${pkg_src}/../docs/operations.md
	${pkg_src}/../docs/configuration.md ${pkg_src}/../docs/differences-from-ios.md
	${pkg_src}/../docs/control-protocol.md ${pkg_src}/../docs/check.md
	DESTINATION share/doc/ikegw)

# Man pages, compressed as Debian does (gzip -9n: no name, no time stamp).
find_program(GZIP_EXECUTABLE gzip)
set(man_gz)
foreach(page ikegwd.8 ikegwctl.8 ikegw.conf.5)
	if(EXISTS ${pkg_src}/man/${page} AND GZIP_EXECUTABLE)
		string(REGEX REPLACE ".*\\.([0-9])$" "\\1" section ${page})
		set(gz ${CMAKE_BINARY_DIR}/packaging/man/${page}.gz)
		add_custom_command(OUTPUT ${gz}
			COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/packaging/man
			COMMAND ${GZIP_EXECUTABLE} -9n -c ${pkg_src}/man/${page} > ${gz}
			DEPENDS ${pkg_src}/man/${page} VERBATIM)
		list(APPEND man_gz ${gz})
		install(FILES ${gz} DESTINATION share/man/man${section})
	endif()
endforeach()
add_custom_target(ikegw_man ALL DEPENDS ${man_gz})

# ---- the Debian package ----
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ikegw)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "ikegw maintainers <maintainers@users.noreply.b-seed-19727525.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "site-to-site IPsec gateway (IKEv1/IKEv2 to Linux XFRM/VTI)")
set(CPACK_PACKAGE_DESCRIPTION "ikegw negotiates IKEv1 and IKEv2 security associations with \
Cisco IOS-style configuration and installs them in the Linux kernel as ESP states and \
policies on route-based VTI tunnels. The package ships ikegwd (the daemon, a systemd \
Type=notify service with watchdog and transactional reload) and ikegwctl (show, debug, \
clear, reload, metrics).")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# systemd-sysusers and systemd-tmpfiles in postinst; deb-systemd-helper/invoke (init-system-helpers)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd, init-system-helpers (>= 1.52)")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
	${pkg_src}/debian/conffiles ${pkg_src}/debian/postinst ${pkg_src}/debian/prerm
	${pkg_src}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
