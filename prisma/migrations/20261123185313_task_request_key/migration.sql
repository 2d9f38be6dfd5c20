-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "requestKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Task_requestKey_key" ON "Task"("requestKey");


