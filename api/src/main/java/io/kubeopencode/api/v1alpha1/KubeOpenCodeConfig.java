package io.kubeopencode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.kubeopencode.api.KubeOpenCode;

@Group(KubeOpenCode.GROUP)
@Version(KubeOpenCode.VERSION)
@ShortNames("ktc")
@Categories(KubeOpenCode.CATEGORY)
@AdditionalPrinterColumn(name = "TTL", jsonPath = ".spec.cleanup.ttlSecondsAfterFinished", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "MaxRetained", jsonPath = ".spec.cleanup.maxRetainedTasks", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
@JsonClassDescription("KubeOpenCodeConfig governs its namespace: the system images of the agent pods that run"
    + " there and the retention of finished Tasks. Only the one named default is read; others are accepted and"
    + " ignored.")
public class KubeOpenCodeConfig extends CustomResource<KubeOpenCodeConfigSpec, Void> implements Namespaced {}
