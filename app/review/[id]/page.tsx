import { notFound } from "next/navigation";
import { QueueScreen } from "@/components/review/QueueScreen";

export default async function QueuePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const queueId = Number(id);
  if (!Number.isInteger(queueId) || queueId <= 0) notFound();
  return <QueueScreen key={queueId} id={queueId} />;
}
