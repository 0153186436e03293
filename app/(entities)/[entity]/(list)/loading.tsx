export { PageSkeleton as default } from "@/app/(dashboard)/_components/page-skeleton";
