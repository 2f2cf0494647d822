import factory

from insidetrack.network.models import Brand, Dealer, Region


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ["slug"]

    name = "Aurelia Motors"
    slug = "aurelia-motors"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    brand = factory.SubFactory(BrandFactory)
    code = factory.Sequence(lambda n: f"R{n:02d}")
    name = factory.Sequence(lambda n: f"Region {n}")


class DealerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dealer

    region = factory.SubFactory(RegionFactory)
    brand = factory.SelfAttribute("region.brand")
    code = factory.Sequence(lambda n: f"D{n:04d}")
    name = factory.Sequence(lambda n: f"Dealer {n}")
    city = "London"
    country = "GB"
    language = "en"
    time_zone = "Europe/London"
