/*
 * Amphi's image: linked at its load address (identity-mapped), with text,
 * read-only data and writable data in separate page-aligned ranges so the
 * hypervisor's own page tables can map them W^X.  The multiboot1/2 headers
 * (in .text.head) describe the same ranges, so QEMU -kernel and GRUB load the
 * file as a flat image: the file offset of every byte minus its address is
 * constant, which the page-aligned sections below guarantee.
 */
OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(__start)

PHDRS
{
	text PT_LOAD FLAGS(5);
	rodata PT_LOAD FLAGS(4);
	data PT_LOAD FLAGS(6);
}

SECTIONS
{
	. = 0x200000;
	__image_start = .;
	__text_start = .;
	.text : {
		*(.text.head)
		*(.text .text.*)
	} :text
	. = ALIGN(4096);
	__text_end = .;

	__rodata_start = .;
	.rodata : {
		*(.rodata .rodata.*)
		. = ALIGN(8);
		__initcall_start = .;
		*(.initcall)
		__initcall_end = .;
		__ex_table_start = .;
		*(.ex_table)
		__ex_table_end = .;
	} :rodata
	.eh_frame : { *(.eh_frame) } :rodata
	. = ALIGN(4096);
	__rodata_end = .;

	__data_start = .;
	.data : {
		*(.data.page_aligned)
		*(.data .data.*)
	} :data
	. = ALIGN(4096);
	__load_end = .;
	.bss (NOLOAD) : {
		__bss_start = .;
		*(.bss.page_aligned)
		*(.bss .bss.* COMMON)
		. = ALIGN(4096);
		__bss_end = .;
	} :data
	__image_end = .;

	/DISCARD/ : { *(.comment) *(.note.*) }
}
