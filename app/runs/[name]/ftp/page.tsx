import { FtpChanges } from "@/components/FtpChanges";

export default async function RunFtpPage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<{ partner?: string }>;
}) {
  const { name } = await params;
  const { partner } = await searchParams;
  return <FtpChanges run={decodeURIComponent(name)} partner={partner} />;
}
